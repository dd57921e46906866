#pragma once
// Summary statistics shared by the optimizers and the transfer models.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

namespace hpo::detail {

/// The population standard deviation sqrt(mean((x - center)^2)) of x about `center`.
inline double population_deviation(const Eigen::VectorXd& x, double center) {
  return std::sqrt((x.array() - center).square().mean());
}

/// How quantile() reads between two order statistics: Linear interpolates (numpy's default,
/// Hyndman & Fan type 7); Lower takes the order statistic below.
enum class QuantileRule { Linear, Lower };

/// The q-quantile (q in [0, 1]; beyond, the extreme values) of values already sorted ascending.
/// Throws std::invalid_argument when `sorted` is empty or q is NaN.
inline double quantile_of_sorted(const std::vector<double>& sorted, double q,
                                 QuantileRule rule = QuantileRule::Linear) {
  if (sorted.empty() || std::isnan(q))
    throw std::invalid_argument(sorted.empty() ? "hpo: the quantile of no values" : "hpo: a quantile at q = NaN");
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  if (rule == QuantileRule::Lower) return sorted[below];
  const auto above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

/// The q-quantile of values in any order.
inline double quantile(std::vector<double> values, double q, QuantileRule rule = QuantileRule::Linear) {
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, q, rule);
}

}  // namespace hpo::detail
