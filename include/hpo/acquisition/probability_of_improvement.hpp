#pragma once
// Probability of improvement (Kushner, "A New Method of Locating the Maximum Point of an
// Arbitrary Multipeak Curve in the Presence of Noise", J. Basic Engineering, 1964), in
// log form so that it neither underflows nor goes flat far from the incumbent, under the
// convention of every acquisition in hpo::acquisition (see log_expected_improvement.hpp):
// the objective is minimized, the acquisition maximized.

#include "hpo/acquisition/log_expected_improvement.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace hpo::acquisition {

/// ln Φ(z), accurate for every z: log1p of the upper tail for z ≥ 0, the direct value on
/// (−1, 0), and ln φ(z) + ln R(−z) below, R the Mills ratio (detail::mills_ratio), with
/// the asymptote −z²/2 − ln√(2π) − ln|z| beyond z = −2^26.
/// Usage: `double v = hpo::acquisition::log_normal_cdf(-40.0);`
inline double log_normal_cdf(double z) noexcept {
  using namespace detail;
  if (std::isnan(z)) return z;
  if (z >= 0.0) return std::log1p(-0.5 * std::erfc(z / std::numbers::sqrt2));
  if (z > -1.0) return std::log(0.5 * std::erfc(-z / std::numbers::sqrt2));
  const double u = -z;
  if (u > kAsymptoticThreshold) return -0.5 * u * u - kLogSqrtTwoPi - std::log(u);
  return -0.5 * u * u - kLogSqrtTwoPi + std::log(mills_ratio(u));
}

/// d ln Φ(z)/dz = φ(z)/Φ(z), the inverse Mills ratio 1/R(−z) for z ≤ −1 (≈ |z| there).
/// Usage: `double slope = hpo::acquisition::log_normal_cdf_derivative(-40.0);`
inline double log_normal_cdf_derivative(double z) noexcept {
  using namespace detail;
  if (std::isnan(z)) return z;
  if (z > -1.0) {
    const double density = std::exp(-0.5 * z * z) / (2.0 * kSqrtHalfPi);
    return density / (0.5 * std::erfc(-z / std::numbers::sqrt2));
  }
  const double u = -z;
  if (u > kAsymptoticThreshold) return u + 1.0 / u;
  if (u < kContinuedFractionThreshold) return 1.0 / mills_ratio(u);
  return u + mills_ratio_tail(u);
}

/// Log probability of improving on `best` by at least `margin` (≥ 0), for minimization:
/// ln Φ(z), z = (best − margin − μ)/σ, to be maximized. A variance ≤ 0 is treated as the
/// smallest positive double.
/// Usage:
///   hpo::acquisition::LogProbabilityOfImprovement log_pi{.best = y.minCoeff()};
///   auto [value, gradient] = log_pi.value_and_gradient(gp, x);
struct LogProbabilityOfImprovement {
  double best;
  double margin = 0.0;

  double operator()(double mean, double variance) const noexcept {
    const double sigma = std::sqrt(std::max(variance, std::numeric_limits<double>::min()));
    return log_normal_cdf((best - margin - mean) / sigma);
  }

  /// Gradient: (φ/Φ)(z)·∇z, ∇z = −(∇μ + z·∇σ)/σ, ∇σ = ∇v/(2σ).
  template <PosteriorWithGradient P>
  AcquisitionValue operator()(const P& posterior) const {
    const double sigma =
        std::sqrt(std::max(static_cast<double>(posterior.variance), std::numeric_limits<double>::min()));
    const double z = (best - margin - posterior.mean) / sigma;
    const Eigen::VectorXd sigma_gradient = posterior.variance_gradient / (2.0 * sigma);
    return {log_normal_cdf(z), -log_normal_cdf_derivative(z) * (posterior.mean_gradient + z * sigma_gradient) / sigma};
  }

  template <class Model>
  double value(const Model& model, const Eigen::VectorXd& x) const {
    const auto prediction = model.predict(x);
    return (*this)(prediction.mean, prediction.variance);
  }

  template <class Model>
  AcquisitionValue value_and_gradient(const Model& model, const Eigen::VectorXd& x) const {
    return (*this)(model.predict_with_gradient(x));
  }
};

}  // namespace hpo::acquisition
