#pragma once
// Log expected improvement (Ament, Daulton, Eriksson, Balandat, Bakshy, "Unexpected
// Improvements to Expected Improvement for Bayesian Optimization", NeurIPS 2023), and
// the pieces every acquisition function here shares.
//
// Convention of all acquisition functions in hpo::acquisition: the objective is
// MINIMIZED, and the acquisition is to be MAXIMIZED. They read a posterior mean and
// variance (and their gradients w.r.t. x) in the units of the objective, as
// GaussianProcess::predict / predict_with_gradient return them.
//
// EI = σ·h(z), z = (best − μ)/σ, h(z) = φ(z) + zΦ(z). Naively, h underflows for z below
// about −38 and loses all relative accuracy well before (cancellation from z ≈ −6), which
// leaves the acquisition optimizer flat regions without gradient; log h computed as below
// is accurate to a few ulps for every z.

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <limits>
#include <numbers>

namespace hpo::acquisition {

/// An acquisition value and its gradient with respect to the input point.
/// Usage: `auto [value, gradient] = acquisition.value_and_gradient(gp, x);`
struct AcquisitionValue {
  double value;
  Eigen::VectorXd gradient;
};

/// A posterior at one point with the gradients of its mean and variance, such as
/// hpo::gp::PredictionWithGradient.
/// Usage: `template <PosteriorWithGradient P> double f(const P& posterior);`
template <class P>
concept PosteriorWithGradient = requires(const P& posterior) {
  { posterior.mean } -> std::convertible_to<double>;
  { posterior.variance } -> std::convertible_to<double>;
  { posterior.mean_gradient } -> std::convertible_to<Eigen::VectorXd>;
  { posterior.variance_gradient } -> std::convertible_to<Eigen::VectorXd>;
};

namespace detail {

inline constexpr double kLogSqrtTwoPi = 0.91893853320467274178;  // ½·ln(2π)
inline constexpr double kSqrtHalfPi = 1.25331413731550025121;    // √(π/2)
// Beyond 1/√ε = 2^26 the asymptotic forms below are exact in double precision.
inline constexpr double kAsymptoticThreshold = 67108864.0;
// Below this, the Mills ratio comes from std::erfc; above, from its continued fraction.
inline constexpr double kContinuedFractionThreshold = 3.0;

/// exp(a·b) with the rounding error of the product folded back in: for a product p
/// of size P, exp(p) alone is off by a relative P·ε (the product's rounding, amplified).
inline double exp_of_product(double a, double b) noexcept {
  const double product = a * b;
  const double rounding = std::fma(a, b, -product);
  return std::exp(product) * (1.0 + rounding);
}

/// c(u) in Laplace's continued fraction of the Mills ratio,
/// R(u) = 1/(u + c(u)), c(u) = 1/(u + 2/(u + 3/(u + ...))), for u ≥ 3, evaluated
/// backwards from a fixed depth. Depths measured against mpmath: relative error below
/// 2e-16 at u = 3 (60 terms), 4 (40) and 8 (20); convergence only improves with u.
/// Working with c rather than R avoids the cancellation in 1 − u·R(u) = c/(u + c).
inline double mills_ratio_tail(double u) noexcept {
  const int terms = u < 4.0 ? 60 : (u < 8.0 ? 40 : 20);
  double t = u;
  for (int k = terms; k >= 2; --k) t = u + k / t;
  return 1.0 / t;
}

/// Mills ratio R(u) = (1 − Φ(u))/φ(u) = √(π/2)·erfcx(u/√2), u ≥ 0.
inline double mills_ratio(double u) noexcept {
  if (u < kContinuedFractionThreshold)
    return kSqrtHalfPi * exp_of_product(u, 0.5 * u) * std::erfc(u / std::numbers::sqrt2);
  return 1.0 / (u + mills_ratio_tail(u));
}

}  // namespace detail

/// Scaled complementary error function erfcx(x) = exp(x²)·erfc(x), finite and accurate
/// where erfc underflows (std has no erfcx). Relative error a few ulps for x ≥ 0:
/// exp(x²)·erfc(x) with the rounding of x² compensated for small x, the continued fraction
/// of the Mills ratio above; for x < 0, 2·exp(x²) − erfcx(−x), +inf once that overflows.
/// Usage: `double v = hpo::acquisition::erfcx(30.0);  // ≈ 0.0188`
inline double erfcx(double x) noexcept {
  if (std::isnan(x)) return x;
  if (x < 0.0) {
    if (x < -26.6) return std::numeric_limits<double>::infinity();
    return 2.0 * detail::exp_of_product(x, x) - erfcx(-x);
  }
  const double u = std::numbers::sqrt2 * x;
  if (u < detail::kContinuedFractionThreshold) return detail::exp_of_product(x, x) * std::erfc(x);
  return detail::mills_ratio(u) / detail::kSqrtHalfPi;
}

/// log h(z) = log(φ(z) + zΦ(z)), accurate for every z (after Ament et al. 2023):
///  - z > −1: the direct formula (no cancellation to speak of);
///  - −2^26 < z ≤ −1: with u = −z, h(z) = φ(z)·(1 − u·R(u)), R the Mills ratio
///    √(π/2)·erfcx(u/√2); 1 − u·R(u) by log1p for u < 3, else as c/(u + c) from the
///    continued fraction R = 1/(u + c), which keeps full relative accuracy where the
///    paper's log1mexp form loses about u²·ε;
///  - z ≤ −2^26 = −1/√ε: the asymptote −z²/2 − ln√(2π) − 2·ln|z|.
/// Usage: `double v = hpo::acquisition::log_h(-40.0);`
inline double log_h(double z) noexcept {
  using namespace detail;
  if (std::isnan(z)) return z;
  if (z > -1.0) {
    const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
    const double density = std::exp(-0.5 * z * z) / (2.0 * kSqrtHalfPi);
    return std::log(density + z * cdf);
  }
  const double u = -z;
  if (u > kAsymptoticThreshold) return -0.5 * u * u - kLogSqrtTwoPi - 2.0 * std::log(u);
  double log_bracket;  // ln(1 − u·R(u))
  if (u < kContinuedFractionThreshold) {
    log_bracket = std::log1p(-u * mills_ratio(u));
  } else {
    const double tail = mills_ratio_tail(u);
    log_bracket = std::log(tail / (u + tail));
  }
  return -0.5 * u * u - kLogSqrtTwoPi + log_bracket;
}

/// d log h/dz = Φ(z)/h(z) (as h'(z) = Φ(z)), on the same branches as log_h; for z ≤ −1
/// it is R(u)/(1 − u·R(u)) = 1/c(u), which grows like |z| + 2/|z|.
/// Usage: `double slope = hpo::acquisition::log_h_derivative(-40.0);`
inline double log_h_derivative(double z) noexcept {
  using namespace detail;
  if (std::isnan(z)) return z;
  if (z > -1.0) {
    const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
    const double density = std::exp(-0.5 * z * z) / (2.0 * kSqrtHalfPi);
    return cdf / (density + z * cdf);
  }
  const double u = -z;
  if (u > kAsymptoticThreshold) return u + 2.0 / u;
  if (u < kContinuedFractionThreshold) {
    const double ratio = mills_ratio(u);
    return ratio / (1.0 - u * ratio);
  }
  return 1.0 / mills_ratio_tail(u);
}

/// Log expected improvement over `best` for minimization, to be maximized:
/// log EI(x) = ln σ + log h((best − μ)/σ), with μ, σ² the posterior mean and variance of
/// the objective at x and best the incumbent (e.g. the smallest observed value).
/// (Ament, Daulton, Eriksson, Balandat, Bakshy, NeurIPS 2023.) A variance ≤ 0 is treated
/// as the smallest positive double; a point that cannot improve then gets −inf.
/// Usage:
///   hpo::acquisition::LogExpectedImprovement log_ei{.best = y.minCoeff()};
///   double a = log_ei.value(gp, x);
///   auto [value, gradient] = log_ei.value_and_gradient(gp, x);
struct LogExpectedImprovement {
  double best;

  /// log EI from a posterior mean and variance (e.g. one entry of a batch prediction).
  double operator()(double mean, double variance) const noexcept {
    const double sigma = std::sqrt(std::max(variance, std::numeric_limits<double>::min()));
    return std::log(sigma) + log_h((best - mean) / sigma);
  }

  /// log EI and its gradient by the chain rule through σ = √v and z = (best − μ)/σ:
  /// ∇ = ∇σ/σ + log h'(z)·∇z, ∇σ = ∇v/(2σ), ∇z = −(∇μ + z·∇σ)/σ.
  template <PosteriorWithGradient P>
  AcquisitionValue operator()(const P& posterior) const {
    const double sigma =
        std::sqrt(std::max(static_cast<double>(posterior.variance), std::numeric_limits<double>::min()));
    const double z = (best - posterior.mean) / sigma;
    const Eigen::VectorXd sigma_gradient = posterior.variance_gradient / (2.0 * sigma);
    const Eigen::VectorXd z_gradient = -(posterior.mean_gradient + z * sigma_gradient) / sigma;
    return {std::log(sigma) + log_h(z), sigma_gradient / sigma + log_h_derivative(z) * z_gradient};
  }

  /// Evaluates at x with a model offering predict(x) (e.g. hpo::gp::GaussianProcess).
  template <class Model>
  double value(const Model& model, const Eigen::VectorXd& x) const {
    const auto prediction = model.predict(x);
    return (*this)(prediction.mean, prediction.variance);
  }

  /// Evaluates at x with a model offering predict_with_gradient(x).
  template <class Model>
  AcquisitionValue value_and_gradient(const Model& model, const Eigen::VectorXd& x) const {
    return (*this)(model.predict_with_gradient(x));
  }
};

}  // namespace hpo::acquisition
