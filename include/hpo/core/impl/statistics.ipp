#pragma once
// Bodies of statistics.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/statistics.hpp"

namespace hpo::detail {

HPO_INLINE double population_deviation(const Eigen::VectorXd& x, double center) {
  return std::sqrt((x.array() - center).square().mean());
}

HPO_INLINE double quantile_of_sorted(const std::vector<double>& sorted, double q, QuantileRule rule) {
  if (sorted.empty() || std::isnan(q))
    throw std::invalid_argument(sorted.empty() ? "hpo: the quantile of no values" : "hpo: a quantile at q = NaN");
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  if (rule == QuantileRule::Lower) return sorted[below];
  const auto above = std::min(below + 1, sorted.size() - 1);
  return interpolate(sorted[below], sorted[above], position - static_cast<double>(below));
}

HPO_INLINE double quantile(std::vector<double> values, double q, QuantileRule rule) {
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, q, rule);
}

HPO_INLINE double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("hpo: the normal quantile needs p in (0, 1)");
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  const auto tail = [&](double q) {  // q = sqrt(-2 log(tail probability))
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  double x;
  if (p < 0.02425) {
    x = tail(std::sqrt(-2 * std::log(p)));
  } else if (p > 1 - 0.02425) {
    x = -tail(std::sqrt(-2 * std::log1p(-p)));
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double u = (normal_cdf(x) - p) * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace hpo::detail
