#pragma once
// The joint posterior of a Gaussian process at several points, which the strategies that look at
// the running trials together (Thompson sampling, qLogEI) need beyond the GP's marginals.

#include <stdexcept>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/jittered_cholesky.hpp"

namespace hpo::bayesian {

/// Factors the GP's kernel matrix (with its noise and jitter) once, then gives posterior
/// covariances between sets of points and solves with that matrix. Covariances are in the units
/// of the GP's outputs, like its predictions; a view of the GP, which must outlive it.
/// Usage: `PosteriorCovariance joint(gp); Eigen::MatrixXd C = joint.covariance(A, B);`
class PosteriorCovariance {
 public:
  explicit PosteriorCovariance(const gp::SelectedGaussianProcess& gp) : gp_(gp) {
    Eigen::MatrixXd k = gp.kernel().matrix(gp.inputs());
    k.diagonal().array() += gp.noise_variance() + gp.jitter();
    if (!gp::detail::cholesky_with_jitter(k, llt_))
      throw std::runtime_error("hpo::BayesianOptimization: the kernel matrix of the posterior sample is degenerate");
  }

  const gp::SelectedGaussianProcess& process() const noexcept { return gp_; }
  /// Squared output scale: standardized covariances times this are in the outputs' units.
  double output_variance() const noexcept {
    const double s = gp_.output_standardization().scale;
    return s * s;
  }
  /// K⁻¹B (K the kernel matrix with noise, standardized units).
  Eigen::MatrixXd solve(const Eigen::MatrixXd& b) const { return llt_.solve(b); }
  /// The standardized values the GP conditions on.
  Eigen::VectorXd standardized_outputs() const {
    const auto s = gp_.output_standardization();
    return (gp_.outputs().array() - s.mean) / s.scale;
  }
  /// Posterior covariance between the rows of A and the rows of B (output units).
  Eigen::MatrixXd covariance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
    const auto& kernel = gp_.kernel();
    const Eigen::MatrixXd& x = gp_.inputs();
    const Eigen::MatrixXd kxb = kernel.cross_matrix(x, b);
    return output_variance() * (kernel.cross_matrix(a, b) - kernel.cross_matrix(x, a).transpose() * llt_.solve(kxb));
  }

 private:
  const gp::SelectedGaussianProcess& gp_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

}  // namespace hpo::bayesian
