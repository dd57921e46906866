#pragma once
// Bodies of thompson_sample.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/thompson_sample.hpp"

namespace hpo::bayesian {

HPO_INLINE ThompsonSample::ThompsonSample(const gp::SelectedGaussianProcess& gp, Rng rng, std::size_t features)
    : joint_(gp) {
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

HPO_INLINE Eigen::VectorXd ThompsonSample::values(const Eigen::MatrixXd& z) const {
  const auto& gp = joint_.process();
  const Eigen::VectorXd standardized = prior(z) + gp.kernel().cross_matrix(gp.inputs(), z).transpose() * correction_;
  const auto s = gp.output_standardization();
  return (s.mean + s.scale * standardized.array()).matrix();
}

HPO_INLINE double ThompsonSample::value(const Eigen::VectorXd& z, Eigen::VectorXd* gradient) const {
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

HPO_INLINE void ThompsonSample::score(const Eigen::MatrixXd& Z, std::vector<double>& values_out) const {
  const Eigen::VectorXd f = values(Z);
  for (Eigen::Index i = 0; i < Z.rows(); ++i) values_out[static_cast<std::size_t>(i)] = -f[i];
}

HPO_INLINE void ThompsonSample::score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const {
  Eigen::VectorXd gradient;
  a.value = -value(z, &gradient);
  a.gradient = -gradient;
}

HPO_INLINE Eigen::VectorXd ThompsonSample::prior(const Eigen::MatrixXd& z) const {
  Eigen::MatrixXd angles = z * frequencies_.transpose();
  angles.rowwise() += phases_.transpose();
  return amplitude_ * (angles.array().cos().matrix() * weights_);
}

}  // namespace hpo::bayesian
