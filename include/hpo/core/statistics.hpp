#pragma once
// Summary statistics shared by the optimizers, the transfer models and the output transform.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::detail {

/// The population standard deviation sqrt(mean((x - center)^2)) of x about `center`.
HPO_INLINE double population_deviation(const Eigen::VectorXd& x, double center);

/// low + t * (high - low) for t in [0, 1], computed in halves so that it stays finite for any
/// finite low and high (high - low itself may exceed the largest double); the same double as the
/// direct formula wherever that does not overflow (halving is exact above the subnormals).
inline double interpolate(double low, double high, double t) { return 2 * (low / 2 + t * (high / 2 - low / 2)); }

/// How quantile() reads between two order statistics: Linear interpolates (numpy's default,
/// Hyndman & Fan type 7); Lower takes the order statistic below.
enum class QuantileRule { Linear, Lower };

/// The q-quantile (q in [0, 1]; beyond, the extreme values) of values already sorted ascending.
/// Throws std::invalid_argument when `sorted` is empty or q is NaN.
HPO_INLINE double quantile_of_sorted(const std::vector<double>& sorted, double q,
                                     QuantileRule rule = QuantileRule::Linear);

/// The q-quantile of values in any order.
HPO_INLINE double quantile(std::vector<double> values, double q, QuantileRule rule = QuantileRule::Linear);

/// The standard normal distribution function Phi(x).
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

/// Its inverse, Phi^-1(p) for p in (0, 1): Acklam's rational approximation (relative error below
/// 1.2e-9) refined by one Halley step on normal_cdf, to about 1e-15.
HPO_INLINE double normal_quantile(double p);

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/core/impl/statistics.ipp"
#endif
