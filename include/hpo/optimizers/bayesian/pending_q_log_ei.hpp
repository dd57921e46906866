#pragma once
// The log expected improvement of a batch made of one new point and the trials still running
// (qLogEI: Ament, Daulton, Eriksson, Balandat & Bakshy, "Unexpected improvements to expected
// improvement for Bayesian optimization", NeurIPS 2023), as BoTorch scores a point with pending
// points (X_pending): Monte Carlo over the running trials, exact over the new point.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/random.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/optimizers/bayesian/posterior_covariance.hpp"

namespace hpo::bayesian {

/// Scores x by ln(qEI({x} ∪ P) − qEI(P)), P the running trials: the log of what x adds to the
/// expected improvement of the batch, which has the same maximizer as qLogEI of the batch but does
/// not go flat where the running trials' improvement dominates (ln qEI of the batch is then
/// constant in x). Given the running trials' draw f_P (one of S draws from base samples fixed for
/// the ask, as BoTorch's sample average approximation), x's value is Gaussian with mean
/// μ_s(x) = μ(x) + lᵀe_s and deviation σ_c(x), and what x adds is E[(best − b_s − f(x))⁺] with
/// b_s = max(0, max_j best − f_P,j) the batch's own improvement: σ_c·h((best − b_s − μ_s)/σ_c),
/// exactly, in log space by LogEI's log h. So the expectation over x's own posterior is exact, the
/// one over the running trials a Monte Carlo average, and the score equals log EI when nothing
/// runs. Its gradient is exact for the fixed draws.
/// Usage: `PendingQLogEI score(gp, running, best, Rng(seed, trials)); search with it;`
class PendingQLogEI final : public PendingScore {
 public:
  PendingQLogEI(const gp::SelectedGaussianProcess& gp, const std::vector<Eigen::VectorXd>& pending, double best,
                Rng rng, std::size_t samples = 128)
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

  void score(const Eigen::MatrixXd& Z, std::vector<double>& values) const override {
    const auto& gp = joint_.process();
    const auto batch = gp.predict(Z);
    const Eigen::MatrixXd kxz = gp.kernel().cross_matrix(gp.inputs(), Z);
    const Eigen::MatrixXd cross =
        joint_.output_variance() * (gp.kernel().cross_matrix(points_, Z) - projection_ * kxz);  // p × m
    const Eigen::MatrixXd loadings = pending_factor_.triangularView<Eigen::Lower>().solve(cross);
    for (Eigen::Index i = 0; i < Z.rows(); ++i)
      values[static_cast<std::size_t>(i)] = evaluate(batch.mean[i], batch.variance[i], loadings.col(i), nullptr);
  }

  void score(const Eigen::VectorXd& z, acquisition::AcquisitionValue& a) const override {
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

 private:
  struct Gradients {
    Eigen::MatrixXd loadings;  // ∂l/∂z, p × d
    Eigen::VectorXd mean, variance;
    Eigen::VectorXd result;
  };

  // The score of the point with posterior mean μ, variance σ², and loadings l = L_P⁻¹ Σ(P, x) on
  // the running trials' base samples: conditional on draw s, its value has mean μ + lᵀe_s and
  // variance σ² − ‖l‖².
  double evaluate(double mean, double variance, const Eigen::VectorXd& loadings, Gradients* g) const {
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

  PosteriorCovariance joint_;
  double best_;
  Eigen::MatrixXd points_;          // the running trials, one per row
  Eigen::MatrixXd projection_;      // K(P, X) K⁻¹
  Eigen::MatrixXd pending_factor_;  // Cholesky factor of Σ(P, P)
  Eigen::MatrixXd base_;            // p × S standard normal base samples
  Eigen::VectorXd thresholds_;      // per draw s: best − b_s
};

}  // namespace hpo::bayesian
