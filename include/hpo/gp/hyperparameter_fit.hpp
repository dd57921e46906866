#pragma once
// The Gaussian process's hyperparameters by maximum a posteriori: the log marginal likelihood plus
// the log priors of priors.hpp, maximized by L-BFGS-B in log space from the previous fit and a few
// random starts drawn from the priors.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/minimize_in_box.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/cholesky_inverse.hpp"
#include "hpo/gp/jittered_cholesky.hpp"
#include "hpo/gp/kernel.hpp"
#include "hpo/gp/priors.hpp"

namespace hpo::gp {

/// How the hyperparameters are fitted (GaussianProcessOptions holds the user-facing ones).
struct HyperparameterFitSettings {
  int random_restarts = 3;
  int max_iterations = 50;
  Eigen::Index max_fit_points = 200;
  double noise_floor = 1e-6;
  /// The priors of the MAP fit; null: HyperparameterPriors::for_dimension.
  const HyperparameterPriors* priors = nullptr;
};

/// Box of θ = [ln ℓ_1..ln ℓ_d, ln σ², ln σ_n²] the fit searches, in standardized units:
/// ℓ ∈ [1e-2, 1e3] (on the unit cube: from "changes within 1% of the range" to "irrelevant"),
/// σ² ∈ [1e-2, 1e2] and σ_n² ∈ [noise_floor, 1] (noise beyond the total variance is meaningless).
struct HyperparameterBounds {
  static constexpr double kMinLogLengthScale = -4.605170185988091;  // ln 1e-2
  static constexpr double kMaxLogLengthScale = 6.907755278982137;   // ln 1e3
  static constexpr double kMinLogSignalVariance = -4.605170185988091;
  static constexpr double kMaxLogSignalVariance = 4.605170185988091;
  static constexpr double kMaxLogNoiseVariance = 0.0;

  Eigen::VectorXd lower, upper;

  static HyperparameterBounds for_dimension(Eigen::Index d, double noise_floor) {
    HyperparameterBounds bounds{Eigen::VectorXd(d + 2), Eigen::VectorXd(d + 2)};
    bounds.lower << Eigen::VectorXd::Constant(d, kMinLogLengthScale), kMinLogSignalVariance, std::log(noise_floor);
    bounds.upper << Eigen::VectorXd::Constant(d, kMaxLogLengthScale), kMaxLogSignalVariance, kMaxLogNoiseVariance;
    return bounds;
  }
};

namespace detail {

/// Buffers of one MAP-objective evaluation, reused across the evaluations of a fit and, kept by
/// the model, across its fits: past glibc's mmap threshold a fresh n × n block is new pages each
/// time, and their first touch cost more than the arithmetic (bench/results/overhead.md). Once a
/// study passes max_fit_points observations, every fit has the same size. A copy starts empty
/// (scratch is not state); release_if_larger() frees blocks too large to be worth keeping.
struct LogPosteriorWorkspace {
  /// Past this many rows a fit's O(n³) arithmetic dwarfs its page faults.
  static constexpr Eigen::Index kKeptRows = 1024;

  Eigen::MatrixXd covariance;
  Eigen::MatrixXd derivative_over_r;
  Eigen::LLT<Eigen::MatrixXd> llt;
  Eigen::MatrixXd lower_inverse;
  Eigen::MatrixXd outer_minus_inverse;

  // An LLT leaves its norm and status uninitialized until it factorizes: a 0 × 0 factorization
  // sets them, so that moving a workspace never copies indeterminate values.
  LogPosteriorWorkspace() { llt.compute(covariance); }
  LogPosteriorWorkspace(const LogPosteriorWorkspace&) : LogPosteriorWorkspace() {}
  LogPosteriorWorkspace& operator=(const LogPosteriorWorkspace&) { return *this; }
  LogPosteriorWorkspace(LogPosteriorWorkspace&&) = default;
  LogPosteriorWorkspace& operator=(LogPosteriorWorkspace&&) = default;
  ~LogPosteriorWorkspace() = default;

  void release_if_larger() {
    if (covariance.rows() <= kKeptRows) return;
    covariance = derivative_over_r = lower_inverse = outer_minus_inverse = Eigen::MatrixXd();
    llt.compute(covariance);  // LLT has no clear(): a 0 × 0 factorization frees its copy
  }
};

/// ln p(y|θ) + ln p(θ) and its gradient w.r.t. θ, for standardized values y at `points`.
/// Throws hpo::detail::StopBoxSearch if the kernel matrix cannot be factorized.
template <Kernel K>
double log_posterior(const K& kernel_template, const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                     const HyperparameterPriors& priors, const Eigen::VectorXd& log_values, Eigen::VectorXd& gradient,
                     LogPosteriorWorkspace& workspace) {
  const Eigen::Index n = points.rows();
  const Eigen::Index d = points.cols();
  K kernel = kernel_template;
  kernel.set_log_parameters(log_values.head(d + 1));
  const double noise = std::exp(log_values(d + 1));
  if constexpr (KernelWithPairDerivatives<K>) {
    kernel.matrix(points, workspace.covariance, workspace.derivative_over_r);
  } else {
    kernel.matrix(points, workspace.covariance);
  }
  workspace.covariance.diagonal().array() += noise;
  Eigen::LLT<Eigen::MatrixXd>& llt = workspace.llt;
  if (!cholesky_with_jitter(workspace.covariance, llt)) throw hpo::detail::StopBoxSearch{};
  const Eigen::VectorXd weights = llt.solve(values);
  const double log_determinant_half = llt.matrixLLT().diagonal().array().log().sum();
  const double likelihood = -0.5 * values.dot(weights) - log_determinant_half -
                            0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);

  // ∂ ln p(y|θ)/∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ); derivative_traces reads the lower triangle only.
  Eigen::MatrixXd& outer_minus_inverse = workspace.outer_minus_inverse;
  invert_lower_triangular(llt.matrixLLT(), workspace.lower_inverse);
  inverse_from_lower_inverse(workspace.lower_inverse, outer_minus_inverse);
  outer_minus_inverse *= -1.0;
  outer_minus_inverse.triangularView<Eigen::Lower>() += weights * weights.transpose();
  gradient.resize(d + 2);
  if constexpr (KernelWithPairDerivatives<K>) {
    gradient.head(d + 1) =
        0.5 * kernel.derivative_traces(points, outer_minus_inverse, workspace.covariance, workspace.derivative_over_r);
  } else {
    gradient.head(d + 1) = 0.5 * kernel.derivative_traces(points, outer_minus_inverse);
  }
  gradient(d + 1) = 0.5 * noise * outer_minus_inverse.trace();
  gradient += priors.log_density_gradient(log_values);
  return likelihood + priors.log_density(log_values);
}

/// The observations the fit uses: all, or a random subset of `cap` (a partial Fisher–Yates
/// shuffle, kept in the original order) when there are more.
HPO_INLINE void select_fit_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, Eigen::Index cap,
                                  Rng& rng, Eigen::MatrixXd& fit_points, Eigen::VectorXd& fit_values);

}  // namespace detail

/// The MAP hyperparameters θ of a GP with this kernel on standardized `values` at `points`:
/// L-BFGS-B (memory 10, at most max_iterations iterations and 2·max_iterations + 10 evaluations
/// per start) from `warm_start` (clamped into the bounds) and from `random_restarts` draws of the
/// priors. Every start runs in full (bench/results/design_measurements.md: screening the random starts with
/// fewer iterations cost up to 3 nats in some fits). Returns the warm start, clamped, if no
/// evaluation succeeded. The random numbers come from `rng` (the subset first, then the starts).
/// `workspace` holds the n × n buffers; a model that refits keeps one between its fits.
/// Usage: `Eigen::VectorXd theta = hpo::gp::fit_hyperparameters(kernel, X, y, theta0, settings, rng);`
template <Kernel K>
Eigen::VectorXd fit_hyperparameters(const K& kernel, const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                    const Eigen::VectorXd& warm_start, const HyperparameterFitSettings& settings,
                                    Rng& rng, detail::LogPosteriorWorkspace& workspace) {
  const Eigen::Index d = points.cols();
  Eigen::MatrixXd fit_points;
  Eigen::VectorXd fit_values;
  detail::select_fit_subset(points, values, settings.max_fit_points, rng, fit_points, fit_values);

  const HyperparameterPriors priors = settings.priors ? *settings.priors : HyperparameterPriors::for_dimension(d);
  const auto bounds = HyperparameterBounds::for_dimension(d, settings.noise_floor);
  const hpo::detail::BoxObjective negative_log_posterior = [&](const Eigen::VectorXd& log_values,
                                                               Eigen::VectorXd& gradient) {
    const double value =
        -detail::log_posterior(kernel, fit_points, fit_values, priors, log_values, gradient, workspace);
    gradient = -gradient;
    return value;
  };
  hpo::detail::BoxSearchSettings search;
  search.solver.m = 10;  // fewer evaluations than the default 6 (bench/results/design_measurements.md)
  search.solver.max_iterations = settings.max_iterations;
  search.solver.delta = 1e-9;  // relative decrease per iteration below which a run stops
  search.max_evaluations = 2 * settings.max_iterations + 10;

  hpo::detail::BoxSearchBest best{warm_start.cwiseMax(bounds.lower).cwiseMin(bounds.upper)};
  hpo::detail::minimize_in_box(negative_log_posterior, warm_start, bounds.lower, bounds.upper, search, best);
  for (int restart = 0; restart < settings.random_restarts; ++restart) {
    Eigen::VectorXd start(d + 2);
    for (Eigen::Index j = 0; j < d; ++j) start(j) = priors.length_scale_of(j).sample_log(rng);
    start(d) = priors.signal_variance.sample_log(rng);
    start(d + 1) = priors.noise_variance.sample_log(rng);
    hpo::detail::minimize_in_box(negative_log_posterior, std::move(start), bounds.lower, bounds.upper, search, best);
  }
  workspace.release_if_larger();
  return best.point;
}

template <Kernel K>
Eigen::VectorXd fit_hyperparameters(const K& kernel, const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                    const Eigen::VectorXd& warm_start, const HyperparameterFitSettings& settings,
                                    Rng& rng) {
  detail::LogPosteriorWorkspace workspace;
  return fit_hyperparameters(kernel, points, values, warm_start, settings, rng, workspace);
}

}  // namespace hpo::gp

#if HPO_BODIES_IN_HEADERS
#include "hpo/gp/impl/hyperparameter_fit.ipp"
#endif
