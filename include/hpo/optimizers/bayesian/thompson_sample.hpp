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
  ThompsonSample(const gp::SelectedGaussianProcess& gp, Rng rng, std::size_t features = 1024) : joint_(gp) {
    const auto& kernel = gp.kernel();
    const Eigen::Index d = kernel.dimension();
    const auto m = static_cast<Eigen::Index>(features);
    const Eigen::VectorXd inverse_length = kernel.length_scales().cwiseInverse();
    // Degrees of freedom 2ν of the spectral Student t; 0 for the squared exponential's Gaussian.
    const int freedom = kernel.type() == KernelType::Matern52 ? 5 : kernel.type() == KernelType::Matern32 ? 3 : 0;
    frequencies_.resize(m, d);
    phases_.resize(m);
    weights_.resize(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      double scale = 1.0;
      if (freedom > 0) {
        double chi_square = 0.0;
        for (int k = 0; k < freedom; ++k) chi_square += std::pow(rng.normal(), 2);
        scale = std::sqrt(freedom / std::max(chi_square, 1e-300));
      }
      for (Eigen::Index j = 0; j < d; ++j) frequencies_(i, j) = rng.normal() * inverse_length[j] * scale;
      phases_[i] = 2.0 * std::numbers::pi * rng.uniform();
      weights_[i] = rng.normal();
    }
    amplitude_ = std::sqrt(2.0 * kernel.signal_variance() / static_cast<double>(m));
    const Eigen::MatrixXd& x = gp.inputs();
    Eigen::VectorXd residual = joint_.standardized_outputs() - prior(x);
    const double noise_sd = std::sqrt(gp.noise_variance());
    for (auto& r : residual) r -= noise_sd * rng.normal();
    correction_ = joint_.solve(residual);
  }

  /// f at the rows of Z, in the GP's output units.
  Eigen::VectorXd values(const Eigen::MatrixXd& z) const {
    const auto& gp = joint_.process();
    const Eigen::VectorXd standardized = prior(z) + gp.kernel().cross_matrix(gp.inputs(), z).transpose() * correction_;
    const auto s = gp.output_standardization();
    return (s.mean + s.scale * standardized.array()).matrix();
  }

  /// f at z, and its gradient with respect to z in `gradient` when given.
  double value(const Eigen::VectorXd& z, Eigen::VectorXd* gradient = nullptr) const {
    const auto& gp = joint_.process();
    const Eigen::ArrayXd angles = (frequencies_ * z + phases_).array();
    double standardized =
        amplitude_ * weights_.dot(angles.cos().matrix()) + gp.kernel().cross(gp.inputs(), z).dot(correction_);
    const auto s = gp.output_standardization();
    if (gradient) {
      *gradient = -amplitude_ * (frequencies_.transpose() * (weights_.array() * angles.sin()).matrix()) +
                  gp.kernel().cross_gradient(gp.inputs(), z).transpose() * correction_;
      *gradient *= s.scale;
    }
    return s.mean + s.scale * standardized;
  }

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values_out) const override {
    const Eigen::VectorXd f = values(Z);
    for (Eigen::Index i = 0; i < Z.rows(); ++i) values_out[static_cast<std::size_t>(i)] = -f[i];
  }

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override {
    Eigen::VectorXd gradient;
    a.value = -value(z, &gradient);
    a.gradient = -gradient;
  }

 private:
  // The prior draw g at the rows of Z (standardized units).
  Eigen::VectorXd prior(const Eigen::MatrixXd& z) const {
    Eigen::MatrixXd angles = z * frequencies_.transpose();
    angles.rowwise() += phases_.transpose();
    return amplitude_ * (angles.array().cos().matrix() * weights_);
  }

  PosteriorCovariance joint_;
  Eigen::MatrixXd frequencies_;  // one row per feature
  Eigen::VectorXd phases_, weights_;
  double amplitude_ = 0.0;
  Eigen::VectorXd correction_;  // K⁻¹ (y − g(X) − ε)
};

}  // namespace hpo::bayesian
