#pragma once
// How objective values are shaped before a Gaussian process sees them.

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/statistics.hpp"

namespace hpo {

/// How objective values are shaped before the GP sees them.
/// Standardize: (y - mean) / std. Robust (default): values above the median (the bad side, in the
/// direction of the search) are compressed as median + s*log1p((y - median)/s), s the
/// interquartile range / 1.349, then standardized; heavy tails (Goldstein-Price, diverging
/// training runs) then no longer flatten the model where the good values are.
enum class OutputTransform { Standardize, Robust };

namespace gp {

/// The robust output transform's map for one set of values (lower is better). It is fixed at each
/// refit, so that values added in between by the incremental update share the model's scale.
/// Usage: `auto t = hpo::gp::ValueTransform::fit(y, true); double shaped = t(y[0]);`
struct ValueTransform {
  bool robust = true;
  double median = 0.0;
  double spread = 1.0;

  static ValueTransform fit(const Eigen::VectorXd& y, bool robust) {
    std::vector<double> sorted(y.begin(), y.end());
    std::sort(sorted.begin(), sorted.end());
    const auto quantile = [&](double q) { return hpo::detail::quantile_of_sorted(sorted, q); };
    ValueTransform t{robust, quantile(0.5), (quantile(0.75) - quantile(0.25)) / 1.349};
    if (!(t.spread > 0.0)) t.spread = std::max(std::abs(t.median) * 1e-6, 1e-12);
    return t;
  }

  double operator()(double y) const {
    if (!robust || y <= median) return y;
    return median + spread * std::log1p((y - median) / spread);
  }

  /// The transform applied to every value.
  Eigen::VectorXd operator()(const Eigen::VectorXd& y) const {
    return y.unaryExpr([this](double v) { return (*this)(v); });
  }
};

}  // namespace gp
}  // namespace hpo
