#pragma once
// The joint posterior of a Gaussian process at several points, which the strategies that look at
// the running trials together (Thompson sampling, qLogEI) need beyond the GP's marginals.

#include <stdexcept>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/jittered_cholesky.hpp"

namespace hpo::bayesian {

/// Factors the GP's kernel matrix (with its noise and jitter) once, then gives posterior
/// covariances between sets of points and solves with that matrix. Covariances are in the units
/// of the GP's outputs, like its predictions; a view of the GP, which must outlive it.
/// Usage: `PosteriorCovariance joint(gp); Eigen::MatrixXd C = joint.covariance(A, B);`
class PosteriorCovariance {
 public:
  explicit PosteriorCovariance(const gp::SelectedGaussianProcess& gp);

  const gp::SelectedGaussianProcess& process() const noexcept { return gp_; }
  /// Squared output scale: standardized covariances times this are in the outputs' units.
  double output_variance() const noexcept;
  /// K⁻¹B (K the kernel matrix with noise, standardized units).
  Eigen::MatrixXd solve(const Eigen::MatrixXd& b) const;
  /// The standardized values the GP conditions on.
  Eigen::VectorXd standardized_outputs() const;
  /// Posterior covariance between the rows of A and the rows of B (output units).
  Eigen::MatrixXd covariance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;

 private:
  const gp::SelectedGaussianProcess& gp_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/posterior_covariance.ipp"
#endif
