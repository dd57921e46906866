#pragma once
// The log expected improvement of a batch made of one new point and the trials still running
// (qLogEI: Ament, Daulton, Eriksson, Balandat & Bakshy, "Unexpected improvements to expected
// improvement for Bayesian optimization", NeurIPS 2023), as BoTorch scores a point with pending
// points (X_pending): Monte Carlo over the running trials, exact over the new point.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/optimizers/bayesian/posterior_covariance.hpp"

namespace hpo::bayesian {

/// Scores x by ln(qEI({x} ∪ P) − qEI(P)), P the running trials: the log of what x adds to the
/// expected improvement of the batch, which has the same maximizer as qLogEI of the batch but does
/// not go flat where the running trials' improvement dominates (ln qEI of the batch is then
/// constant in x). Given the running trials' draw f_P (one of S draws from base samples fixed for
/// the ask, as BoTorch's sample average approximation), x's value is Gaussian with mean
/// μ_s(x) = μ(x) + lᵀe_s and deviation σ_c(x), and what x adds is E[(best − b_s − f(x))⁺] with
/// b_s = max(0, max_j best − f_P,j) the batch's own improvement: σ_c·h((best − b_s − μ_s)/σ_c),
/// exactly, in log space by LogEI's log h. So the expectation over x's own posterior is exact, the
/// one over the running trials a Monte Carlo average, and the score equals log EI when nothing
/// runs. Its gradient is exact for the fixed draws.
/// Usage: `PendingQLogEI score(gp, running, best, Rng(seed, trials)); search with it;`
class PendingQLogEI final : public PendingScore {
 public:
  PendingQLogEI(const gp::SelectedGaussianProcess& gp, const std::vector<Eigen::VectorXd>& pending, double best,
                Rng rng, std::size_t samples = 128);

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values) const override;

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override;

 private:
  struct Gradients {
    Eigen::MatrixXd loadings;  // ∂l/∂z, p × d
    Eigen::VectorXd mean, variance;
    Eigen::VectorXd result;
  };

  // The score of the point with posterior mean μ, variance σ², and loadings l = L_P⁻¹ Σ(P, x) on
  // the running trials' base samples: conditional on draw s, its value has mean μ + lᵀe_s and
  // variance σ² − ‖l‖².
  double evaluate(double mean, double variance, const Eigen::VectorXd& loadings, Gradients* g) const;

  PosteriorCovariance joint_;
  double best_;
  Eigen::MatrixXd points_;          // the running trials, one per row
  Eigen::MatrixXd projection_;      // K(P, X) K⁻¹
  Eigen::MatrixXd pending_factor_;  // Cholesky factor of Σ(P, P)
  Eigen::MatrixXd base_;            // p × S standard normal base samples
  Eigen::VectorXd thresholds_;      // per draw s: best − b_s
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/pending_q_log_ei.ipp"
#endif
