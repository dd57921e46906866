#pragma once
// One draw from a Gaussian process's posterior, as a function that can be evaluated and
// differentiated anywhere: asynchronous parallel Thompson sampling (Kandasamy, Krishnamurthy,
// Schneider & Póczos, AISTATS 2018) minimizes it.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/optimizers/bayesian/posterior_covariance.hpp"

namespace hpo::bayesian {

/// A posterior sample f of the GP by pathwise conditioning (Wilson, Borovitskiy, Terenin,
/// Mostowsky & Deisenroth, "Efficiently sampling functions from Gaussian process posteriors", ICML
/// 2020): a prior draw g from random Fourier features of the kernel (Rahimi & Recht 2007; a
/// Matérn-ν kernel's spectral density is a Student t with 2ν degrees of freedom), corrected by
/// the data, f(x) = g(x) + k(x, X) K⁻¹ (y − g(X) − ε), ε the observation noise drawn once. The
/// score is −f (the search maximizes; lower values are better), the acquisition is ignored, and
/// the running trials play no part: each ask's independent draw is what spreads the points.
/// Usage: `ThompsonSample sample(gp, Rng(seed, trials)); double v = sample.value(z);`
class ThompsonSample final : public PendingScore {
 public:
  /// `features`: random Fourier features of the prior draw.
  ThompsonSample(const gp::SelectedGaussianProcess& gp, Rng rng, std::size_t features = 1024);

  /// f at the rows of Z, in the GP's output units.
  Eigen::VectorXd values(const Eigen::MatrixXd& z) const;

  /// f at z, and its gradient with respect to z in `gradient` when given.
  double value(const Eigen::VectorXd& z, Eigen::VectorXd* gradient = nullptr) const;

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values_out) const override;

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override;

 private:
  // The prior draw g at the rows of Z (standardized units).
  Eigen::VectorXd prior(const Eigen::MatrixXd& z) const;

  PosteriorCovariance joint_;
  Eigen::MatrixXd frequencies_;  // one row per feature
  Eigen::VectorXd phases_, weights_;
  double amplitude_ = 0.0;
  Eigen::VectorXd correction_;  // K⁻¹ (y − g(X) − ε)
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/thompson_sample.ipp"
#endif
