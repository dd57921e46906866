#pragma once
// Local penalization of the acquisition around the trials still running (González, Dai, Hennig &
// Lawrence, "Batch Bayesian optimization via local penalization", AISTATS 2016).

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/transfer/transfer_surrogate.hpp"

namespace hpo::bayesian {

/// Multiplies the acquisition by one penalty per running trial x_j: the probability, under the
/// surrogate, that a point lies outside the ball around x_j in which a function with Lipschitz
/// constant L cannot reach the best value M: φ_j(x) = Φ((M + L‖x − x_j‖ − μ(x_j)) / σ(x_j))
/// (written here for minimization). L is the largest norm of the gradient of the posterior mean
/// at the points given (the candidates of the ask), as the paper estimates it; distances are in
/// the model's coordinates. The acquisitions here are logarithms (log EI, log PI), so the
/// penalties add their logarithms; UCB, which may be negative, passes through log softplus first.
/// Usage: `LocalPenalization penalty(surrogate, running, candidates, best, true); search with it;`
class LocalPenalization final : public PendingScore {
 public:
  /// `pending`: the running trials' model points; `lipschitz_points`: rows where the mean's
  /// gradient is measured; `best`: the lowest (transformed) value observed; `log_acquisition`:
  /// whether the acquisition is already a logarithm.
  LocalPenalization(const transfer::CombinedSurrogate& surrogate, const std::vector<Eigen::VectorXd>& pending,
                    const Eigen::MatrixXd& lipschitz_points, double best, bool log_acquisition);

  double lipschitz() const noexcept { return lipschitz_; }

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values) const override;

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override;

 private:
  // Σ_j ln φ_j(z); adds its gradient to `gradient` when given.
  double log_penalty(const Eigen::VectorXd& z, Eigen::VectorXd* gradient) const;

  Eigen::MatrixXd points_;
  Eigen::VectorXd mean_, sd_;
  double best_;
  bool log_acquisition_;
  double lipschitz_ = 0.0;
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/local_penalization.ipp"
#endif
