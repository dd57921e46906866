#pragma once
// Bodies of local_penalization.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/local_penalization.hpp"

namespace hpo::bayesian {

HPO_INLINE LocalPenalization::LocalPenalization(const transfer::CombinedSurrogate& surrogate,
                                                const std::vector<Eigen::VectorXd>& pending,
                                                const Eigen::MatrixXd& lipschitz_points, double best,
                                                bool log_acquisition)
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

HPO_INLINE void LocalPenalization::score(const Eigen::MatrixXd& Z, std::vector<double>& values) const {
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    double& v = values[static_cast<std::size_t>(i)];
    v = (log_acquisition_ ? v : log_softplus(v)) + log_penalty(Z.row(i).transpose(), nullptr);
  }
}

HPO_INLINE void LocalPenalization::score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const {
  if (!log_acquisition_) {
    double slope = 0.0;
    a.value = log_softplus(a.value, &slope);
    a.gradient *= slope;
  }
  a.value += log_penalty(z, &a.gradient);
}

HPO_INLINE double LocalPenalization::log_penalty(const Eigen::VectorXd& z, Eigen::VectorXd* gradient) const {
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

}  // namespace hpo::bayesian
