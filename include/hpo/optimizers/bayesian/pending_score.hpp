#pragma once
// What a pending-point strategy that does not fantasize observations does to the acquisition
// search: a score that replaces the acquisition, or a term added to it.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <Eigen/Core>

#include "hpo/acquisition/log_expected_improvement.hpp"

namespace hpo::bayesian {

/// The random stream of the pending strategies' draws at trial k is (seed ^ salt, k). Kept apart
/// from the salts of core/stream_salts.hpp, and distinct from each of them.
inline constexpr std::uint64_t kPendingDrawsSalt = 0xA5A7C0DEULL;

/// The score an acquisition search maximizes while trials are running, for the strategies of
/// hpo::PendingStrategy that work on the acquisition rather than on the model (local
/// penalization, Thompson sampling, qLogEI). Not thread-safe; built for one ask.
/// Usage: `pending.score(Z, values); pending.score(z, acquisition_value);`
class PendingScore {
 public:
  virtual ~PendingScore() = default;
  /// The scores of the rows of Z (model points), given in `values` the acquisition's own scores
  /// of them, which a penalty adds to and a replacement overwrites.
  virtual void score(const Eigen::MatrixXd& Z, std::vector<double>& values) const = 0;
  /// The same at one model point, for the gradient-based refinement: `a` holds the acquisition's
  /// value and gradient (with respect to z) on entry, the strategy's on return.
  virtual void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const = 0;
};

/// ln Φ(t) of the standard normal distribution, accurate far into the lower tail (through the
/// Mills ratio there), with its derivative φ(t)/Φ(t) in `derivative` when given.
/// Usage: `double d; double v = hpo::bayesian::log_normal_cdf(-40.0, &d);`
inline double log_normal_cdf(double t, double* derivative = nullptr) {
  if (t >= -1.0) {
    const double cdf = 0.5 * std::erfc(-t / std::numbers::sqrt2);
    if (derivative) *derivative = std::exp(-0.5 * t * t) / (std::sqrt(2.0 * std::numbers::pi) * cdf);
    return std::log(cdf);
  }
  // Φ(t) = φ(t)·R(−t), R the Mills ratio, which stays finite where Φ underflows.
  const double u = -t;
  const double ratio = acquisition::detail::mills_ratio(u);
  if (derivative) *derivative = 1.0 / ratio;
  return -0.5 * u * u - acquisition::detail::kLogSqrtTwoPi + std::log(ratio);
}

/// ln(softplus(x)) = ln ln(1 + e^x), finite for every finite x, with its derivative
/// sigmoid(x)/softplus(x) in `derivative` when given.
/// Usage: `double v = hpo::bayesian::log_softplus(-800.0);  // -800`
inline double log_softplus(double x, double* derivative = nullptr) {
  if (x < -30.0) {  // softplus(x) = e^x (1 - e^x/2 + ...): ln of it is x to double precision
    if (derivative) *derivative = 1.0;
    return x;
  }
  const double softplus = x > 30.0 ? x : std::log1p(std::exp(x));
  if (derivative) *derivative = 1.0 / ((1.0 + std::exp(-x)) * softplus);
  return std::log(softplus);
}

}  // namespace hpo::bayesian
