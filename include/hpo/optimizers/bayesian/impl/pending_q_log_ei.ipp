#pragma once
// Bodies of pending_q_log_ei.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/pending_q_log_ei.hpp"

namespace hpo::bayesian {

HPO_INLINE PendingQLogEI::PendingQLogEI(const gp::SelectedGaussianProcess& gp,
                                        const std::vector<Eigen::VectorXd>& pending, double best, Rng rng,
                                        std::size_t samples)
    : joint_(gp), best_(best) {
  const auto p = static_cast<Eigen::Index>(pending.size());
  const auto s = static_cast<Eigen::Index>(samples);
  points_.resize(p, gp.kernel().dimension());
  for (Eigen::Index j = 0; j < p; ++j) points_.row(j) = pending[static_cast<std::size_t>(j)].transpose();
  // B = K(P, X) K⁻¹ gives the cross-covariances with P: Σ(P, x) = σ²_out (k(P, x) − B k(X, x)).
  projection_ = joint_.solve(gp.kernel().cross_matrix(gp.inputs(), points_)).transpose();
  Eigen::MatrixXd covariance = joint_.covariance(points_, points_);
  covariance.diagonal().array() += 1e-9 * std::max(1.0, covariance.diagonal().maxCoeff());
  Eigen::LLT<Eigen::MatrixXd> llt;
  gp::detail::cholesky_with_jitter(covariance, llt);
  pending_factor_ = llt.matrixL();
  base_.resize(p, s);
  for (Eigen::Index c = 0; c < s; ++c)
    for (Eigen::Index r = 0; r < p; ++r) base_(r, c) = rng.normal();
  const Eigen::VectorXd mean = gp.predict(points_).mean;
  Eigen::MatrixXd draws = pending_factor_ * base_;  // p × S
  draws.colwise() += mean;
  thresholds_.resize(s);
  // best − b_s = the lower of the best value and the running trials' best in draw s.
  for (Eigen::Index c = 0; c < s; ++c) thresholds_[c] = std::min(best_, draws.col(c).minCoeff());
}

HPO_INLINE void PendingQLogEI::score(const Eigen::MatrixXd& Z, std::vector<double>& values) const {
  const auto& gp = joint_.process();
  const auto batch = gp.predict(Z);
  const Eigen::MatrixXd kxz = gp.kernel().cross_matrix(gp.inputs(), Z);
  const Eigen::MatrixXd cross =
      joint_.output_variance() * (gp.kernel().cross_matrix(points_, Z) - projection_ * kxz);  // p × m
  const Eigen::MatrixXd loadings = pending_factor_.triangularView<Eigen::Lower>().solve(cross);
  for (Eigen::Index i = 0; i < Z.rows(); ++i)
    values[static_cast<std::size_t>(i)] = evaluate(batch.mean[i], batch.variance[i], loadings.col(i), nullptr);
}

HPO_INLINE void PendingQLogEI::score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const {
  const auto& gp = joint_.process();
  const auto& kernel = gp.kernel();
  const auto prediction = gp.predict_with_gradient(z);
  const Eigen::VectorXd cross =
      joint_.output_variance() * (kernel.cross(points_, z) - projection_ * kernel.cross(gp.inputs(), z));
  const Eigen::MatrixXd cross_gradient =
      joint_.output_variance() *
      (kernel.cross_gradient(points_, z) - projection_ * kernel.cross_gradient(gp.inputs(), z));  // p × d
  const auto lower = pending_factor_.triangularView<Eigen::Lower>();
  Gradients g{lower.solve(cross_gradient), prediction.mean_gradient, prediction.variance_gradient, {}};
  a.value = evaluate(prediction.mean, prediction.variance, lower.solve(cross), &g);
  a.gradient = std::move(g.result);
}

HPO_INLINE double PendingQLogEI::evaluate(double mean, double variance, const Eigen::VectorXd& loadings,
                                          Gradients* g) const {
  const double floor = 1e-12 * std::max(variance, 1e-300);
  const double residual = variance - loadings.squaredNorm();
  const double sd = std::sqrt(std::max(residual, floor));
  const Eigen::VectorXd shifts = base_.transpose() * loadings;  // lᵀe_s per draw
  const Eigen::Index s = base_.cols();
  Eigen::VectorXd z(s), terms(s);
  for (Eigen::Index c = 0; c < s; ++c) {
    z[c] = (thresholds_[c] - mean - shifts[c]) / sd;
    terms[c] = acquisition::log_h(z[c]);
  }
  const double high = terms.maxCoeff();
  const Eigen::VectorXd shares = (terms.array() - high).exp().matrix();
  const double total = shares.sum();
  const double value = std::log(sd) + high + std::log(total / static_cast<double>(s));
  if (!g) return value;
  const Eigen::Index d = g->mean.size();
  Eigen::VectorXd sd_gradient = Eigen::VectorXd::Zero(d);
  if (residual > floor) sd_gradient = (g->variance - 2.0 * g->loadings.transpose() * loadings) / (2.0 * sd);
  // ∂ ln(σ_c h(z_s)) = ∂σ_c/σ_c + (ln h)'(z_s)·(−∂μ_s − z_s ∂σ_c)/σ_c, averaged with weights
  // h(z_s)/Σ h; ∂μ_s = ∇μ + (∂l)ᵀe_s.
  Eigen::VectorXd weighted_base = Eigen::VectorXd::Zero(base_.rows());
  double slope_sum = 0.0, slope_z_sum = 0.0;
  for (Eigen::Index c = 0; c < s; ++c) {
    const double weight = shares[c] / total * acquisition::log_h_derivative(z[c]);
    slope_sum += weight;
    slope_z_sum += weight * z[c];
    weighted_base += weight * base_.col(c);
  }
  g->result = sd_gradient / sd - (slope_sum * g->mean + g->loadings.transpose() * weighted_base) / sd -
              (slope_z_sum / sd) * sd_gradient;
  return value;
}

}  // namespace hpo::bayesian
