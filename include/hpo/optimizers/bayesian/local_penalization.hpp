#pragma once
// Local penalization of the acquisition around the trials still running (González, Dai, Hennig &
// Lawrence, "Batch Bayesian optimization via local penalization", AISTATS 2016).

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

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
                    const Eigen::MatrixXd& lipschitz_points, double best, bool log_acquisition)
      : best_(best), log_acquisition_(log_acquisition) {
    const auto p = static_cast<Eigen::Index>(pending.size());
    points_.resize(p, pending.empty() ? 0 : pending.front().size());
    for (Eigen::Index j = 0; j < p; ++j) points_.row(j) = pending[static_cast<std::size_t>(j)].transpose();
    const auto batch = surrogate.predict(points_);
    mean_ = batch.mean;
    sd_ = batch.variance.cwiseMax(1e-12).cwiseSqrt();
    for (Eigen::Index i = 0; i < lipschitz_points.rows(); ++i) {
      const Eigen::VectorXd z = lipschitz_points.row(i).transpose();
      lipschitz_ = std::max(lipschitz_, surrogate.predict_with_gradient(z).mean_gradient.norm());
    }
    // A flat mean gives no scale: GPyOpt's fallback, which the paper's code uses.
    if (!(lipschitz_ > 1e-7)) lipschitz_ = 10.0;
  }

  double lipschitz() const noexcept { return lipschitz_; }

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values) const override {
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
      double& v = values[static_cast<std::size_t>(i)];
      v = (log_acquisition_ ? v : log_softplus(v)) + log_penalty(Z.row(i).transpose(), nullptr);
    }
  }

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override {
    if (!log_acquisition_) {
      double slope = 0.0;
      a.value = log_softplus(a.value, &slope);
      a.gradient *= slope;
    }
    a.value += log_penalty(z, &a.gradient);
  }

 private:
  // Σ_j ln φ_j(z); adds its gradient to `gradient` when given.
  double log_penalty(const Eigen::VectorXd& z, Eigen::VectorXd* gradient) const {
    double total = 0.0;
    for (Eigen::Index j = 0; j < points_.rows(); ++j) {
      const Eigen::VectorXd difference = z - points_.row(j).transpose();
      const double distance = difference.norm();
      double slope = 0.0;
      total += log_normal_cdf((best_ + lipschitz_ * distance - mean_[j]) / sd_[j], &slope);
      if (gradient && distance > 0.0) *gradient += (slope * lipschitz_ / (sd_[j] * distance)) * difference;
    }
    return total;
  }

  Eigen::MatrixXd points_;
  Eigen::VectorXd mean_, sd_;
  double best_;
  bool log_acquisition_;
  double lipschitz_ = 0.0;
};

}  // namespace hpo::bayesian
