#pragma once
// How objective values are shaped before a Gaussian process sees them, and back.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/statistics.hpp"

namespace hpo {

/// How objective values are shaped before the GP sees them.
/// Standardize: (y - mean) / std. Robust (default): values above the median (the bad side, in the
/// direction of the search) are compressed as median + s*log1p((y - median)/s), s the
/// interquartile range / 1.349, then standardized; heavy tails (Goldstein-Price, diverging
/// training runs) then no longer flatten the model where the good values are.
/// Robust also clips the bad side softly beyond e^30 spreads, and either way values whose shaped
/// magnitude would pass 2^500 make the model see every value's rank instead (gp::ValueTransform):
/// any finite value is modelled, penalties such as 1e300 or the largest double included.
enum class OutputTransform { Standardize, Robust };

namespace gp {

/// The output transform's map for one set of values (lower is better), fixed at each refit so that
/// values added in between by the incremental update share the model's scale; Bayesian
/// optimization and the report's model both use it, the report through inverse().
///
/// The shaped value t(y) is y itself (Standardize, and the better half under Robust), or the
/// log-compressed bad side of OutputTransform::Robust, median + s*u with u = log1p((y - median)/s),
/// where u beyond kClip = 30 is clipped softly to kClip + 1 - 1/(1 + u - kClip) < kClip + 1:
/// a penalty of 1e300 is otherwise some 690 spreads above the rest, a cliff the Gaussian process
/// fits by flattening everything else (Branin with 1e300 on 13% of the space: solved in 0 of 10
/// runs, 8 of 10 clipped; bench/results/design_measurements.md). No ordinary value is clipped: it
/// would lie e^30 = 1e13 spreads above the median. Each step is computed so that no finite y
/// overflows. When some fitted t(y) would still be larger in magnitude than 2^500 (a scale set by
/// the penalties themselves, when they are a quarter of the values or more; the Gaussian process
/// standardizes, squares and sums its outputs), the transform is the normal score of each value's
/// rank instead, Phi^-1((below + equal/2 + 1/2) / (n + 1)), equal values sharing one score (the
/// Gaussian copula transform of Salinas, Shen & Perrone, ICML 2020). Values added later are scored
/// against the fitted ones; shaped values beyond 2^500 are clipped there.
/// Usage: `auto t = hpo::gp::ValueTransform::fit(y, true); double shaped = t(y[0]); double back = t.inverse(shaped);`
struct ValueTransform {
  bool robust = true;
  double median = 0.0;
  double spread = 1.0;
  /// The fitted values, sorted, when the model sees their ranks; empty otherwise.
  std::vector<double> ranked;

  /// Largest magnitude of a shaped value before ranks take over.
  static constexpr double kLargest = 0x1p500;
  /// Spreads (log-compressed) beyond which the bad side is clipped.
  static constexpr double kClip = 30.0;

  static ValueTransform fit(const Eigen::VectorXd& y, bool robust) {
    std::vector<double> sorted(y.begin(), y.end());
    std::sort(sorted.begin(), sorted.end());
    const auto quantile = [&](double q) { return hpo::detail::quantile_of_sorted(sorted, q); };
    // In halves: the interquartile range of finite values can exceed the largest double.
    ValueTransform t{robust, quantile(0.5), (quantile(0.75) / 2 - quantile(0.25) / 2) / (1.349 / 2), {}};
    if (!(t.spread > 0.0)) t.spread = std::max(std::abs(t.median) * 1e-6, 1e-12);
    t.spread = std::min(t.spread, std::numeric_limits<double>::max() / 4);
    for (const double v : sorted) {
      if (std::abs(t.shaped(v)) > kLargest) {
        t.ranked = std::move(sorted);
        break;
      }
    }
    return t;
  }

  /// The shaped value of y (a value of the objective, lower is better).
  double operator()(double y) const {
    if (!ranked.empty()) return hpo::detail::normal_quantile(rank_fraction(y));
    return std::clamp(shaped(y), -kLargest, kLargest);
  }

  /// The transform applied to every value.
  Eigen::VectorXd operator()(const Eigen::VectorXd& y) const {
    return y.unaryExpr([this](double v) { return (*this)(v); });
  }

  /// The value whose shaped value is t: the inverse of operator() (between the fitted values by
  /// interpolation when ranked); beyond the largest double, the largest double.
  double inverse(double t) const {
    if (!ranked.empty()) {
      double position = hpo::detail::normal_cdf(t) * static_cast<double>(ranked.size() + 1) - 1.0;
      // A fitted value sits at a whole position; rounding in the normal quantile must not move it
      // toward a neighbour 1e300 away.
      if (std::abs(position - std::round(position)) < 1e-9) position = std::round(position);
      if (!(position > 0.0)) return ranked.front();
      if (position >= static_cast<double>(ranked.size() - 1)) return ranked.back();
      const auto below = static_cast<std::size_t>(position);
      return hpo::detail::interpolate(ranked[below], ranked[below + 1], position - static_cast<double>(below));
    }
    if (!robust || t <= median) return t;
    // median + spread * expm1(u), u unclipped, in halves as shaped() is.
    double u = (t / 2 - median / 2) / (spread / 2);
    if (u > kClip) u = u < kClip + 1 ? kClip - 1 + 1 / (kClip + 1 - u) : std::numeric_limits<double>::infinity();
    const double y = 2 * (median / 2 + spread / 2 * std::expm1(u));
    return std::isfinite(y) ? y : std::numeric_limits<double>::max();
  }

 private:
  // The robust (or identity) shaping, with the difference y - median taken in halves; infinite
  // when the result passes the largest double (fit then ranks).
  double shaped(double y) const {
    if (!robust || y <= median) return y;
    double u = std::log1p((y / 2 - median / 2) / (spread / 2));
    if (u > kClip) u = kClip + 1 - 1 / (1 + (u - kClip));  // u is infinite when (y - median)/spread overflows
    return 2 * (median / 2 + spread / 2 * u);
  }

  // (values below y + half the values equal to it + 1/2) / (n + 1): in (0, 1), equal values
  // sharing it, a value beyond the fitted ones a little beyond their scores.
  double rank_fraction(double y) const {
    const auto lower = std::lower_bound(ranked.begin(), ranked.end(), y);
    const auto upper = std::upper_bound(lower, ranked.end(), y);
    const auto below = static_cast<double>(lower - ranked.begin()), equal = static_cast<double>(upper - lower);
    return (below + equal / 2 + 0.5) / static_cast<double>(ranked.size() + 1);
  }
};

}  // namespace gp
}  // namespace hpo
