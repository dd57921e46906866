#pragma once
// Bodies of posterior_covariance.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/posterior_covariance.hpp"

namespace hpo::bayesian {

HPO_INLINE Eigen::MatrixXd PosteriorCovariance::solve(const Eigen::MatrixXd& b) const { return llt_.solve(b); }

HPO_INLINE PosteriorCovariance::PosteriorCovariance(const gp::SelectedGaussianProcess& gp) : gp_(gp) {
  Eigen::MatrixXd k = gp.kernel().matrix(gp.inputs());
  k.diagonal().array() += gp.noise_variance() + gp.jitter();
  if (!gp::detail::cholesky_with_jitter(k, llt_))
    throw std::runtime_error("hpo::BayesianOptimization: the kernel matrix of the posterior sample is degenerate");
}

HPO_INLINE double PosteriorCovariance::output_variance() const noexcept {
  const double s = gp_.output_standardization().scale;
  return s * s;
}

HPO_INLINE Eigen::VectorXd PosteriorCovariance::standardized_outputs() const {
  const auto s = gp_.output_standardization();
  return (gp_.outputs().array() - s.mean) / s.scale;
}

HPO_INLINE Eigen::MatrixXd PosteriorCovariance::covariance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
  const auto& kernel = gp_.kernel();
  const Eigen::MatrixXd& x = gp_.inputs();
  const Eigen::MatrixXd kxb = kernel.cross_matrix(x, b);
  return output_variance() * (kernel.cross_matrix(a, b) - kernel.cross_matrix(x, a).transpose() * llt_.solve(kxb));
}

}  // namespace hpo::bayesian
