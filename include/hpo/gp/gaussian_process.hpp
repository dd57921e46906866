#pragma once
// Gaussian-process regression for Bayesian optimization: exact inference by Cholesky
// factorization, hyperparameters by maximum a posteriori (hyperparameter_fit.hpp), O(n²)
// updates between refits, and posterior gradients for optimizing acquisition functions.
//
// Model, on outputs standardized to zero mean and unit variance (sample mean and
// standard deviation of the y passed to fit; the standard deviation of a constant y is
// taken as 1): f ~ GP(0, k), y_i = f(x_i) + ε_i, ε_i ~ N(0, σ_n²). The prior mean is the
// constant 0 of the standardized outputs, i.e. the sample mean of y; it is not learned
// (a learned constant would add a parameter that the sample mean already pins down well
// once the outputs are standardized). Predictions are returned in the units of y.
//
// Fit cost (the BO engine calls fit on a schedule, so it matters): every evaluation of the
// MAP objective costs a Cholesky factorization and an inverse of the m × m kernel matrix of
// the fit subset, m = min(n, max_fit_points), plus one O(m²·d) pass over pairs for the
// gradient; there are 1 + random_restarts starts. The model then conditions on all n points
// with one O(n³) factorization. Measured times: bench/results/design_measurements.md.

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/cholesky_inverse.hpp"
#include "hpo/gp/hyperparameter_fit.hpp"
#include "hpo/gp/jittered_cholesky.hpp"
#include "hpo/gp/kernel.hpp"
#include "hpo/gp/matern32.hpp"
#include "hpo/gp/matern52.hpp"
#include "hpo/gp/prior_mean.hpp"
#include "hpo/gp/priors.hpp"
#include "hpo/gp/selected_kernel.hpp"
#include "hpo/gp/squared_exponential.hpp"
#include "hpo/space/config.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hpo::gp {

/// Settings of GaussianProcess; every field has a usable default.
/// Usage: `hpo::gp::GaussianProcess gp({.random_restarts = 5, .seed = 42});`
struct GaussianProcessOptions {
  /// Starts of the hyperparameter fit drawn from the priors, in addition to the warm
  /// start (the previous fit's hyperparameters; the prior modes on the first fit).
  int random_restarts = 3;
  /// L-BFGS-B iterations per start.
  int max_iterations = 50;
  /// Hyperparameters are fitted on a random subset of at most this many observations
  /// (0: all); the model itself always conditions on every observation. The fit's cost
  /// grows as the cube of this number; what the subset costs in accuracy is measured in
  /// bench/results/design_measurements.md.
  Eigen::Index max_fit_points = 200;
  /// Lower bound of the noise variance of the standardized outputs; it keeps the
  /// kernel matrix well-conditioned for noiseless objectives and duplicated points.
  double noise_floor = 1e-6;
  /// Seed of the random restarts and of the fit subset; fit number k uses stream k.
  std::uint64_t seed = 0;
  /// The constant prior mean, set at each fit from the values fitted (hpo::PriorMean): their
  /// average (Average, Automatic) or, the values taken as lower-is-better, their maximum
  /// (WorstObserved).
  PriorMean prior_mean = PriorMean::Average;
};

/// Hyperparameters of a GaussianProcess, on the standardized outputs.
/// Usage: `gp.set_hyperparameters({.length_scales = ls, .signal_variance = 1.0, .noise_variance = 1e-6});`
struct Hyperparameters {
  Eigen::VectorXd length_scales;
  double signal_variance = 1.0;
  double noise_variance = 1e-6;
};

/// The affine map between the y passed to fit and the outputs the model works on:
/// y = mean + scale·standardized. `mean` is the centre, which is also the GP's prior mean
/// (GaussianProcessOptions::prior_mean: the values' average or their maximum); `scale` is the
/// values' sample standard deviation either way.
/// Usage: `auto s = gp.output_standardization(); double y = s.mean + s.scale * z;`
struct OutputStandardization {
  double mean = 0.0;
  double scale = 1.0;
};

/// Posterior of the latent f at one point, in the units of y; the variance excludes the
/// observation noise. Usage: `auto [mean, variance] = gp.predict(x);`
struct Prediction {
  double mean;
  double variance;
};

/// Prediction plus the gradients of the mean and of the variance with respect to x.
/// Usage: `auto p = gp.predict_with_gradient(x); p.mean_gradient(0);`
struct PredictionWithGradient {
  double mean;
  double variance;
  Eigen::VectorXd mean_gradient;
  Eigen::VectorXd variance_gradient;
};

/// Posterior mean and its gradient with respect to x, in the units of y.
/// Usage: `auto [mean, gradient] = gp.predict_mean_with_gradient(x);`
struct MeanWithGradient {
  double mean;
  Eigen::VectorXd gradient;
};

/// Posterior means and variances of many points, one entry per row of the input.
/// Usage: `auto batch = gp.predict(candidates); batch.mean(i);`
struct BatchPrediction {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
};

/// Leave-one-out predictive distributions of the observations, in the units of y: entry
/// i is the prediction of y_i by the model conditioned on all other points with the same
/// hyperparameters and standardization. The variance is that of y_i, so it INCLUDES the
/// observation noise (Rasmussen & Williams 2006, eq. 5.12).
/// Usage: `auto loo = gp.leave_one_out(); loo.mean(i);`
struct LeaveOneOutPrediction {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
};

/// Gaussian-process regression on points of the unit cube with MAP hyperparameters.
///
/// Hyperparameters are handled in log space as θ = [ln ℓ_1..ln ℓ_d, ln σ², ln σ_n²], all
/// in standardized units, bounded for the fit by HyperparameterBounds.
/// The kernel matrix is factorized by Eigen's LLT; when that fails, jitter 1e-10·mean
/// diagonal, ×10 per attempt up to 1e-3·mean diagonal, is added and reported once per
/// object through the warning sink; beyond that a std::runtime_error is thrown.
///
/// Not thread-safe: a const object may be read (predict) from several threads at once.
///
/// Usage:
///   hpo::gp::GaussianProcess gp({.seed = 1});
///   gp.fit(X, y);                       // X: n × d in [0,1]^d, y: n
///   auto [mean, variance] = gp.predict(x);
///   gp.add_observation(x_new, y_new);   // O(n²), same hyperparameters
template <Kernel K = Matern52>
class GaussianProcess {
 public:
  using WarningSink = std::function<void(const std::string&)>;

  explicit GaussianProcess(GaussianProcessOptions options = {}, K kernel = K{Eigen::Index{0}})
      : options_(options), kernel_(std::move(kernel)) {
    validate(options_);
  }

  /// Throws std::invalid_argument naming the first field of `options` out of range, and its value.
  static void validate(const GaussianProcessOptions& options);

  /// Standardizes y, fits the hyperparameters by MAP (warm start plus random restarts,
  /// deterministic for the seed and the number of previous fits) and conditions on all
  /// points. Throws std::invalid_argument on non-finite or mismatched inputs (the model
  /// is unchanged), std::runtime_error if the kernel matrix cannot be factorized even
  /// with jitter (the model is left empty); the fit* methods all behave this way.
  void fit(const Eigen::MatrixXd& points, const Eigen::VectorXd& values) {
    fit(points, values, options_.random_restarts);
  }

  /// fit with another number of random restarts for this call only; 0 gives a cheap
  /// refit that only polishes the warm start (bench/results/design_measurements.md), for use between
  /// full fits.
  void fit(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts);

  /// fit whose warm start is `start` (log hyperparameters, laid out as log_hyperparameters()
  /// gives them) instead of the current hyperparameters: for a caller that fits two kinds of
  /// values to the same model in turn and starts each from its own last fit. Throws
  /// std::invalid_argument, the model unchanged, unless `start` has d + 2 finite values.
  void fit(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts,
           const Eigen::VectorXd& start);

  /// Standardizes y and conditions on all points with the current hyperparameters,
  /// without fitting them: one O(n³) factorization, for the cheap refits between fits.
  void fit_with_fixed_hyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& values);

  /// As above, but with a given standardization instead of y's sample mean and standard
  /// deviation, e.g. to keep the meaning of the hyperparameters across refits.
  void fit_with_fixed_hyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                      OutputStandardization standardization);

  /// Conditions on one more observation in O(n²), keeping the hyperparameters and the
  /// standardization: the Cholesky factor grows by the row [lᵀ, √(k(x,x) + σ_n² − lᵀl)],
  /// l = L⁻¹k(X, x). When that pivot is not clearly positive (in exact arithmetic it is at
  /// least σ_n² plus the jitter; below half of that, rounding has taken over), the whole
  /// matrix is refactorized with jitter instead.
  void add_observation(const Eigen::VectorXd& point, double value);

  /// Posterior mean and variance of f(x) in the units of y (variance without noise,
  /// at least a tiny positive floor).
  Prediction predict(const Eigen::VectorXd& point) const;

  /// predict plus the analytic gradients: ∇μ = s·Jᵀα, ∇σ² = −2s²·Jᵀ K⁻¹k(X, x), with
  /// J = ∂k(X, x)/∂x and s the output scale. Where the variance sits at its floor, its
  /// gradient is 0 (the clamped function is flat there).
  PredictionWithGradient predict_with_gradient(const Eigen::VectorXd& point) const;

  /// The mean and its gradient alone: O(n d), where predict_with_gradient also pays two
  /// triangular solves, O(n^2), for the variance.
  MeanWithGradient predict_mean_with_gradient(const Eigen::VectorXd& point) const;

  /// Posterior means and variances at every row of `points`, with one triangular solve
  /// for all of them.
  BatchPrediction predict(const Eigen::MatrixXd& points) const;

  /// Posterior means alone at many points (one per row): O(m n), where predict also pays
  /// O(m n^2) for the variances. Usage: `Eigen::VectorXd means = gp.predict_mean(points);`
  Eigen::VectorXd predict_mean(const Eigen::MatrixXd& points) const;

  /// Eigen expressions: a compile-time column vector (e.g. `X.row(i).transpose()`) is one
  /// point; anything else (a block of rows, a single row `X.row(i)`) is a batch with one
  /// point per row. Without these, an expression would match both overloads above.
  template <class Derived>
  requires(Derived::ColsAtCompileTime == 1) Prediction predict(const Eigen::MatrixBase<Derived>& point)
  const { return predict(Eigen::VectorXd(point)); }
  template <class Derived>
  requires(Derived::ColsAtCompileTime != 1) BatchPrediction predict(const Eigen::MatrixBase<Derived>& points)
  const { return predict(Eigen::MatrixXd(points)); }

  /// Closed-form leave-one-out predictions: μ_i = y_i − [K⁻¹y]_i/[K⁻¹]_ii,
  /// σ²_i = 1/[K⁻¹]_ii (standardized), with K including the noise; O(n³).
  LeaveOneOutPrediction leave_one_out() const;

  /// Current hyperparameters (standardized units).
  Hyperparameters hyperparameters() const {
    return {kernel_.length_scales(), kernel_.signal_variance(), noise_variance()};
  }

  /// Replaces the hyperparameters (standardized units) and, if the model holds data,
  /// refactorizes. They also become the warm start of the next fit.
  void set_hyperparameters(const Hyperparameters& hyperparameters);

  /// θ = [ln ℓ_1..ln ℓ_d, ln σ², ln σ_n²] (standardized units).
  Eigen::VectorXd log_hyperparameters() const;

  void set_log_hyperparameters(const Eigen::VectorXd& log_values);

  const K& kernel() const noexcept { return kernel_; }
  double noise_variance() const noexcept { return std::exp(log_noise_variance_); }
  Eigen::Index observation_count() const noexcept { return points_.rows(); }
  Eigen::Index dimension() const noexcept { return kernel_.dimension(); }
  const Eigen::MatrixXd& inputs() const noexcept { return points_; }
  /// The observations in the units of y.
  Eigen::VectorXd outputs() const {
    return standardized_values_.unaryExpr([this](double z) { return to_output_units(z); });
  }
  OutputStandardization output_standardization() const noexcept { return standardization_; }
  /// ln p(y_standardized | θ) at the current hyperparameters (no prior term).
  double log_marginal_likelihood() const noexcept { return log_marginal_likelihood_; }
  /// Jitter added to the diagonal of the current factorization (standardized units).
  double jitter() const noexcept { return jitter_; }
  /// Number of completed calls to fit (the random stream of the next one).
  std::uint64_t fit_count() const noexcept { return fit_count_; }
  const GaussianProcessOptions& options() const noexcept { return options_; }

  /// The priors of later hyperparameter fits (none: HyperparameterPriors::for_dimension). A fit on
  /// points of another dimension than the priors' length_scale_mu is std::invalid_argument.
  void set_priors(std::optional<HyperparameterPriors> priors) { priors_ = std::move(priors); }

  /// The objective fit maximizes, ln p(y|θ) + ln p(θ) on the current data (all points,
  /// standardized), and its gradient w.r.t. θ; for diagnostics and tests.
  double log_posterior(const Eigen::VectorXd& log_values, Eigen::VectorXd& gradient) const;

  /// Where the one-time jitter report goes (default, or an empty sink: one line on
  /// stderr; pass `[](const std::string&) {}` to silence it).
  void set_warning_sink(WarningSink sink) { warning_sink_ = std::move(sink); }

 private:
  static constexpr double kMinimumLatentVariance = 1e-12;  // standardized units

  static void default_warning(const std::string& message) { std::cerr << message << '\n'; }

  void set_data(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                std::optional<OutputStandardization> standardization);

  static OutputStandardization sample_standardization(const Eigen::VectorXd& values, PriorMean prior_mean);

  /// A new input dimension resets the hyperparameters to the prior modes.
  void ensure_dimension(Eigen::Index d);

  void fit_from(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts,
                const Eigen::VectorXd* start);

  /// From `start`, or from the current hyperparameters when it is null.
  void optimize_hyperparameters(std::uint64_t stream, int random_restarts, const Eigen::VectorXd* start);

  /// A kernel of this one's kind on d inputs, with default hyperparameters.
  K kernel_of_dimension(Eigen::Index d) const;

  /// k(X, x) and its gradient at x, in one pass where the kernel offers it.
  CrossWithGradient cross_with_gradient(const Eigen::VectorXd& point) const;

  // Priors set for another dimension would be read out of range by the fit.
  void check_priors(Eigen::Index dimension) const {
    if (priors_ && priors_->length_scale_mu.size() != 0 && priors_->length_scale_mu.size() != dimension)
      throw std::invalid_argument("hpo::gp::GaussianProcess: the priors' length_scale_mu has " +
                                  std::to_string(priors_->length_scale_mu.size()) + " entries for points of dimension " +
                                  std::to_string(dimension));
  }

  /// Runs `step`, which changed the data; if it throws, the model is emptied so that
  /// data and factorization never disagree, and the exception propagates.
  template <class Step>
  void empty_on_failure(Step&& step) {
    try {
      step();
    } catch (...) {
      points_.resize(0, points_.cols());
      standardized_values_.resize(0);
      refactorize();
      throw;
    }
  }

  /// Full O(n³) factorization of the current data with the current hyperparameters. On
  /// failure it throws before changing anything; the jitter report comes last, so that
  /// a throwing warning sink also leaves a consistent model.
  void refactorize();

  /// α = K⁻¹y from the current factor, and the log marginal likelihood.
  void update_weights();

  void check_query(const Eigen::VectorXd& point) const;

  auto lower_factor() const {
    return factor_storage_.topLeftCorner(observation_count(), observation_count());
  }
  // Room for `size` observations in factor_storage_, keeping its top-left `kept` × `kept` corner.
  // add_observation grows it by an eighth at a time; a refactorization to exactly its size (a model
  // fitted once, such as a source's, never pays for room it does not use), or to half its room.
  void grow_factor(Eigen::Index size, Eigen::Index kept);
  void size_factor_for(Eigen::Index size);

  // A batch prediction works through its points in chunks whose cross-covariance (n × chunk) and
  // triangular-solve buffers stay below glibc's mmap threshold (128 KiB): one large block per
  // batch came from fresh pages at every ask, and this machine pays each page fault dearly.
  static constexpr Eigen::Index kPredictionChunkEntries = 8192;

  /// μ = s·k(X, x)ᵀα + m and ∇μ = s·Jᵀα from k(X, x) and J = ∂k(X, x)/∂x: shared by the two
  /// predictions with a gradient.
  MeanWithGradient mean_with_gradient(const Eigen::VectorXd& cross_covariance, const Eigen::MatrixXd& jacobian) const;

  double prior_variance() const noexcept {
    return standardization_.scale * standardization_.scale * kernel_.signal_variance();
  }
  double to_output_units(double standardized) const noexcept {
    return standardization_.mean + standardization_.scale * standardized;
  }
  double to_output_variance(double latent_variance) const noexcept {
    return standardization_.scale * standardization_.scale * std::max(latent_variance, kMinimumLatentVariance);
  }

  GaussianProcessOptions options_;
  std::optional<HyperparameterPriors> priors_;
  K kernel_;
  double log_noise_variance_ = std::log(1e-4);
  Eigen::MatrixXd points_;
  Eigen::VectorXd standardized_values_;
  OutputStandardization standardization_;
  // L of K = L Lᵀ in the top-left n × n corner of a larger matrix, so that add_observation
  // extends it in place: a factor reallocated at every new point came from fresh pages each
  // time once it passed glibc's mmap threshold (n ≈ 130).
  Eigen::MatrixXd factor_storage_;
  // The hyperparameter fit's n × n buffers, kept from one fit to the next.
  detail::LogPosteriorWorkspace fit_workspace_;
  Eigen::VectorXd weights_;  // α = K⁻¹ y_standardized
  double jitter_ = 0.0;
  double log_marginal_likelihood_ = 0.0;
  std::uint64_t fit_count_ = 0;
  bool jitter_reported_ = false;
  WarningSink warning_sink_;
};

template <Kernel K>
void GaussianProcess<K>::validate(const GaussianProcessOptions& options) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::gp::GaussianProcess: " + what); };
  if (!(options.noise_floor > 0.0 && options.noise_floor < 1.0))
    fail("noise_floor must lie in (0, 1), got " + hpo::detail::format_value(options.noise_floor));
  if (options.random_restarts < 0) fail("random_restarts must be >= 0, got " + std::to_string(options.random_restarts));
  if (options.max_iterations < 1)
    fail("max_iterations must be at least 1, got " + std::to_string(options.max_iterations));
  if (options.max_fit_points < 0)
    fail("max_fit_points must be >= 0 (0: all), got " + std::to_string(options.max_fit_points));
}

template <Kernel K>
void GaussianProcess<K>::fit(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts) {
  fit_from(points, values, random_restarts, nullptr);
}

template <Kernel K>
void GaussianProcess<K>::fit(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts,
                             const Eigen::VectorXd& start) {
  if (start.size() != points.cols() + 2 || !start.allFinite()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::fit: the start needs " + std::to_string(points.cols() + 2) +
                                " finite log hyperparameters for points of dimension " +
                                std::to_string(points.cols()) + ", got " + std::to_string(start.size()) +
                                (start.allFinite() ? "" : " with a non-finite one"));
  }
  fit_from(points, values, random_restarts, &start);
}

template <Kernel K>
void GaussianProcess<K>::fit_from(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, int random_restarts,
                                  const Eigen::VectorXd* start) {
  if (random_restarts < 0) throw std::invalid_argument("hpo::gp::GaussianProcess::fit: negative random_restarts");
  check_priors(points.cols());
  set_data(points, values, std::nullopt);
  const std::uint64_t stream = fit_count_++;
  empty_on_failure([&] {
    if (observation_count() > 0) optimize_hyperparameters(stream, random_restarts, start);
    refactorize();
  });
}

template <Kernel K>
void GaussianProcess<K>::fit_with_fixed_hyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& values) {
  set_data(points, values, std::nullopt);
  empty_on_failure([&] { refactorize(); });
}

template <Kernel K>
void GaussianProcess<K>::fit_with_fixed_hyperparameters(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                                        OutputStandardization standardization) {
  if (!std::isfinite(standardization.mean) || !(standardization.scale > 0.0) || !std::isfinite(standardization.scale)) {
    throw std::invalid_argument(
        "hpo::gp::GaussianProcess: the standardization needs a finite mean and a positive scale");
  }
  set_data(points, values, standardization);
  empty_on_failure([&] { refactorize(); });
}

template <Kernel K>
void GaussianProcess<K>::add_observation(const Eigen::VectorXd& point, double value) {
  if (!point.allFinite() || !std::isfinite(value)) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::add_observation: non-finite input");
  }
  if (observation_count() == 0) {
    ensure_dimension(point.size());
    points_ = point.transpose();
    standardized_values_ = Eigen::VectorXd::Constant(1, (value - standardization_.mean) / standardization_.scale);
    empty_on_failure([&] { refactorize(); });
    return;
  }
  if (point.size() != dimension()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::add_observation: point has dimension " +
                                std::to_string(point.size()) + ", the model " + std::to_string(dimension()));
  }
  const Eigen::Index n = observation_count();
  const Eigen::VectorXd cross_covariance = kernel_.cross(points_, point);
  const Eigen::VectorXd projected = lower_factor().template triangularView<Eigen::Lower>().solve(cross_covariance);
  const double diagonal_addition = noise_variance() + jitter_;
  const double pivot_squared = kernel_.signal_variance() + diagonal_addition - projected.squaredNorm();

  points_.conservativeResize(n + 1, Eigen::NoChange);
  points_.row(n) = point.transpose();
  standardized_values_.conservativeResize(n + 1);
  standardized_values_(n) = (value - standardization_.mean) / standardization_.scale;

  if (!(pivot_squared > 0.5 * diagonal_addition) || !std::isfinite(pivot_squared)) {
    try {
      refactorize();
    } catch (...) {  // refactorize left the old factor intact: drop the new point again
      points_.conservativeResize(n, Eigen::NoChange);
      standardized_values_.conservativeResize(n);
      throw;
    }
    return;
  }
  grow_factor(n + 1, n);
  factor_storage_.col(n).head(n + 1).setZero();
  factor_storage_.row(n).head(n) = projected.transpose();
  factor_storage_(n, n) = std::sqrt(pivot_squared);
  update_weights();
}

template <Kernel K>
Prediction GaussianProcess<K>::predict(const Eigen::VectorXd& point) const {
  check_query(point);
  if (observation_count() == 0) return {standardization_.mean, prior_variance()};
  const Eigen::VectorXd cross_covariance = kernel_.cross(points_, point);
  const Eigen::VectorXd projected = lower_factor().template triangularView<Eigen::Lower>().solve(cross_covariance);
  const double latent_variance = kernel_.signal_variance() - projected.squaredNorm();
  return {to_output_units(cross_covariance.dot(weights_)), to_output_variance(latent_variance)};
}

template <Kernel K>
PredictionWithGradient GaussianProcess<K>::predict_with_gradient(const Eigen::VectorXd& point) const {
  check_query(point);
  if (observation_count() == 0) {
    return {standardization_.mean, prior_variance(), Eigen::VectorXd::Zero(point.size()),
            Eigen::VectorXd::Zero(point.size())};
  }
  const auto [cross_covariance, jacobian] = cross_with_gradient(point);
  const auto lower = lower_factor().template triangularView<Eigen::Lower>();
  const Eigen::VectorXd projected = lower.solve(cross_covariance);
  const double latent_variance = kernel_.signal_variance() - projected.squaredNorm();
  const double scale = standardization_.scale;
  auto [mean, mean_gradient] = mean_with_gradient(cross_covariance, jacobian);
  PredictionWithGradient result{mean, to_output_variance(latent_variance), std::move(mean_gradient),
                                Eigen::VectorXd::Zero(point.size())};
  if (latent_variance > kMinimumLatentVariance) {
    const Eigen::VectorXd solved =  // K⁻¹k(X, x)
        lower_factor().transpose().template triangularView<Eigen::Upper>().solve(projected);
    result.variance_gradient = (-2.0 * scale * scale) * (jacobian.transpose() * solved);
  }
  return result;
}

template <Kernel K>
MeanWithGradient GaussianProcess<K>::predict_mean_with_gradient(const Eigen::VectorXd& point) const {
  check_query(point);
  if (observation_count() == 0) return {standardization_.mean, Eigen::VectorXd::Zero(point.size())};
  const auto [cross_covariance, jacobian] = cross_with_gradient(point);
  return mean_with_gradient(cross_covariance, jacobian);
}

template <Kernel K>
CrossWithGradient GaussianProcess<K>::cross_with_gradient(const Eigen::VectorXd& point) const {
  if constexpr (KernelWithCrossGradient<K>) {
    return kernel_.cross_with_gradient(points_, point);
  } else {
    return {kernel_.cross(points_, point), kernel_.cross_gradient(points_, point)};
  }
}

template <Kernel K>
MeanWithGradient GaussianProcess<K>::mean_with_gradient(const Eigen::VectorXd& cross_covariance,
                                                        const Eigen::MatrixXd& jacobian) const {
  return {to_output_units(cross_covariance.dot(weights_)), standardization_.scale * (jacobian.transpose() * weights_)};
}

template <Kernel K>
BatchPrediction GaussianProcess<K>::predict(const Eigen::MatrixXd& points) const {
  if (!points.allFinite()) throw std::invalid_argument("hpo::gp::GaussianProcess::predict: non-finite point");
  const Eigen::Index m = points.rows();
  if (observation_count() == 0) {
    return {Eigen::VectorXd::Constant(m, standardization_.mean), Eigen::VectorXd::Constant(m, prior_variance())};
  }
  if (points.cols() != dimension()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::predict: points have dimension " +
                                std::to_string(points.cols()) + ", the model " + std::to_string(dimension()));
  }
  BatchPrediction result{Eigen::VectorXd(m), Eigen::VectorXd(m)};
  const Eigen::Index n = observation_count();
  const Eigen::Index chunk = std::max<Eigen::Index>(16, kPredictionChunkEntries / n);
  Eigen::MatrixXd chunk_points;
  Eigen::MatrixXd cross_covariance;
  for (Eigen::Index first = 0; first < m; first += chunk) {
    const Eigen::Index count = std::min(chunk, m - first);
    chunk_points = points.middleRows(first, count);
    cross_covariance = kernel_.cross_matrix(points_, chunk_points);
    result.mean.segment(first, count) =
        (cross_covariance.transpose() * weights_).unaryExpr([this](double z) { return to_output_units(z); });
    lower_factor().template triangularView<Eigen::Lower>().solveInPlace(cross_covariance);
    result.variance.segment(first, count) = cross_covariance.colwise().squaredNorm().transpose().unaryExpr(
        [this](double e) { return to_output_variance(kernel_.signal_variance() - e); });
  }
  return result;
}

template <Kernel K>
Eigen::VectorXd GaussianProcess<K>::predict_mean(const Eigen::MatrixXd& points) const {
  if (!points.allFinite()) throw std::invalid_argument("hpo::gp::GaussianProcess::predict_mean: non-finite point");
  if (observation_count() == 0) return Eigen::VectorXd::Constant(points.rows(), standardization_.mean);
  if (points.cols() != dimension()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::predict_mean: points have dimension " +
                                std::to_string(points.cols()) + ", the model " + std::to_string(dimension()));
  }
  const Eigen::MatrixXd cross_covariance = kernel_.cross_matrix(points_, points);
  return (cross_covariance.transpose() * weights_).unaryExpr([this](double z) { return to_output_units(z); });
}

template <Kernel K>
LeaveOneOutPrediction GaussianProcess<K>::leave_one_out() const {
  Eigen::MatrixXd inverse_factor;
  detail::invert_lower_triangular(lower_factor(), inverse_factor);
  const Eigen::VectorXd inverse_diagonal = inverse_factor.colwise().squaredNorm().transpose();  // [K⁻¹]_ii
  const double scale = standardization_.scale;
  LeaveOneOutPrediction result;
  result.mean = (standardized_values_.array() - weights_.array() / inverse_diagonal.array())
                    .unaryExpr([this](double z) { return to_output_units(z); })
                    .matrix();
  result.variance = (scale * scale) * inverse_diagonal.cwiseInverse();
  return result;
}

template <Kernel K>
void GaussianProcess<K>::set_hyperparameters(const Hyperparameters& hyperparameters) {
  const Eigen::VectorXd& ls = hyperparameters.length_scales;
  if (ls.size() < 1 || (ls.array() <= 0.0).any() || !ls.allFinite() || !(hyperparameters.signal_variance > 0.0) ||
      !std::isfinite(hyperparameters.signal_variance) || !(hyperparameters.noise_variance > 0.0) ||
      !std::isfinite(hyperparameters.noise_variance)) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::set_hyperparameters: values must be positive and finite");
  }
  Eigen::VectorXd log_values(ls.size() + 2);
  log_values << ls.array().log().matrix(), std::log(hyperparameters.signal_variance),
      std::log(hyperparameters.noise_variance);
  set_log_hyperparameters(log_values);
}

template <Kernel K>
Eigen::VectorXd GaussianProcess<K>::log_hyperparameters() const {
  Eigen::VectorXd result(kernel_.log_parameter_count() + 1);
  result << kernel_.log_parameters(), log_noise_variance_;
  return result;
}

template <Kernel K>
void GaussianProcess<K>::set_log_hyperparameters(const Eigen::VectorXd& log_values) {
  if (log_values.size() < 3 || !log_values.allFinite()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::set_log_hyperparameters: need d + 2 finite values");
  }
  const Eigen::Index d = log_values.size() - 2;
  if (observation_count() > 0 && d != dimension()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::set_log_hyperparameters: " + std::to_string(d) +
                                " length scales for a model of dimension " + std::to_string(dimension()));
  }
  const K previous_kernel = kernel_;
  const double previous_log_noise_variance = log_noise_variance_;
  if (kernel_.dimension() != d) kernel_ = kernel_of_dimension(d);
  kernel_.set_log_parameters(log_values.head(d + 1));
  log_noise_variance_ = log_values(d + 1);
  if (observation_count() == 0) return;
  try {
    refactorize();
  } catch (...) {  // keep the model consistent with its factorization
    kernel_ = previous_kernel;
    log_noise_variance_ = previous_log_noise_variance;
    throw;
  }
}

template <Kernel K>
double GaussianProcess<K>::log_posterior(const Eigen::VectorXd& log_values, Eigen::VectorXd& gradient) const {
  if (observation_count() == 0) throw std::logic_error("hpo::gp::GaussianProcess::log_posterior: no data");
  if (log_values.size() != dimension() + 2) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::log_posterior: expected d + 2 log-hyperparameters");
  }
  check_priors(dimension());
  const HyperparameterPriors priors = priors_ ? *priors_ : HyperparameterPriors::for_dimension(dimension());
  detail::LogPosteriorWorkspace workspace;
  return detail::log_posterior(kernel_, points_, standardized_values_, priors, log_values, gradient, workspace);
}

template <Kernel K>
void GaussianProcess<K>::set_data(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                  std::optional<OutputStandardization> standardization) {
  if (points.rows() != values.size()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess: " + std::to_string(points.rows()) + " points but " +
                                std::to_string(values.size()) + " values");
  }
  if (!points.allFinite() || !values.allFinite()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess: points and values must be finite");
  }
  if (points.rows() > 0 && points.cols() < 1) {
    throw std::invalid_argument("hpo::gp::GaussianProcess: points need at least one dimension");
  }
  // Everything that can throw comes before the first change of state.
  const OutputStandardization new_standardization =
      standardization ? *standardization : sample_standardization(values, options_.prior_mean);
  if (points.rows() > 0) ensure_dimension(points.cols());
  standardization_ = new_standardization;
  points_ = points;
  standardized_values_ = (values.array() - standardization_.mean) / standardization_.scale;
}

template <Kernel K>
OutputStandardization GaussianProcess<K>::sample_standardization(const Eigen::VectorXd& values, PriorMean prior_mean) {
  const Eigen::Index n = values.size();
  if (n == 0) return {};
  const double mean = values.mean();
  // stableNorm: no overflow or underflow for outputs near the ends of double's range.
  const double scale =
      n > 1 ? (values.array() - mean).matrix().stableNorm() / std::sqrt(static_cast<double>(n - 1)) : 0.0;
  if (!std::isfinite(mean) || !std::isfinite(scale)) {
    throw std::invalid_argument("hpo::gp::GaussianProcess: outputs too large to standardize");
  }
  return {prior_mean == PriorMean::WorstObserved ? values.maxCoeff() : mean, scale > 0.0 ? scale : 1.0};
}

template <Kernel K>
void GaussianProcess<K>::ensure_dimension(Eigen::Index d) {
  if (kernel_.dimension() == d) return;
  const HyperparameterPriors priors = HyperparameterPriors::for_dimension(d);
  kernel_ = kernel_of_dimension(d);
  Eigen::VectorXd kernel_parameters(d + 1);
  kernel_parameters << Eigen::VectorXd::Constant(d, priors.length_scale.log_mode()), priors.signal_variance.log_mode();
  kernel_.set_log_parameters(kernel_parameters);
  log_noise_variance_ = std::clamp(priors.noise_variance.log_mode(), std::log(options_.noise_floor),
                                   HyperparameterBounds::kMaxLogNoiseVariance);
}

template <Kernel K>
void GaussianProcess<K>::optimize_hyperparameters(std::uint64_t stream, int random_restarts,
                                                  const Eigen::VectorXd* start) {
  Rng rng(options_.seed, stream);
  const HyperparameterFitSettings settings{.random_restarts = random_restarts,
                                           .max_iterations = options_.max_iterations,
                                           .max_fit_points = options_.max_fit_points,
                                           .noise_floor = options_.noise_floor,
                                           .priors = priors_ ? &*priors_ : nullptr};
  const Eigen::VectorXd best =
      fit_hyperparameters(kernel_, points_, standardized_values_, start ? *start : log_hyperparameters(), settings, rng,
                          fit_workspace_);
  kernel_.set_log_parameters(best.head(dimension() + 1));
  log_noise_variance_ = best(dimension() + 1);
}

template <Kernel K>
K GaussianProcess<K>::kernel_of_dimension(Eigen::Index d) const {
  if constexpr (requires {
                  { kernel_.with_dimension(d) } -> std::same_as<K>;
                })
    return kernel_.with_dimension(d);
  else
    return K(d);
}

template <Kernel K>
void GaussianProcess<K>::grow_factor(Eigen::Index size, Eigen::Index kept) {
  if (factor_storage_.rows() >= size) return;
  const Eigen::Index capacity = (size + size / 8 + 7) / 8 * 8;
  Eigen::MatrixXd grown(capacity, capacity);
  grown.topLeftCorner(kept, kept) = factor_storage_.topLeftCorner(kept, kept);
  factor_storage_.swap(grown);
}

template <Kernel K>
void GaussianProcess<K>::size_factor_for(Eigen::Index size) {
  if (factor_storage_.rows() < size || factor_storage_.rows() > 2 * size) factor_storage_.resize(size, size);
}

template <Kernel K>
void GaussianProcess<K>::refactorize() {
  const Eigen::Index n = observation_count();
  if (n == 0) {
    factor_storage_.resize(0, 0);
    weights_.resize(0);
    jitter_ = 0.0;
    log_marginal_likelihood_ = 0.0;
    return;
  }
  Eigen::MatrixXd covariance;
  const auto fill = [&] {
    kernel_.matrix(points_, covariance);
    covariance.diagonal().array() += noise_variance();
  };
  fill();
  const std::optional<double> jitter = detail::cholesky_in_place_with_jitter(covariance, fill);
  if (!jitter) {
    throw std::runtime_error(
        "hpo::gp::GaussianProcess: Cholesky factorization of the " + std::to_string(n) + " × " + std::to_string(n) +
        " kernel matrix failed even with jitter up to 1e-3 × its mean diagonal; the hyperparameters or inputs are "
        "degenerate");
  }
  jitter_ = *jitter;
  size_factor_for(n);
  factor_storage_.topLeftCorner(n, n) = covariance.triangularView<Eigen::Lower>();
  update_weights();
  if (jitter_ > 0.0 && !jitter_reported_) {
    jitter_reported_ = true;
    char message[256];
    std::snprintf(message, sizeof message,
                  "hpo::gp::GaussianProcess: kernel matrix of %td points was not numerically positive definite; "
                  "added jitter %.3g to its diagonal (reported once per model)",
                  static_cast<std::ptrdiff_t>(n), jitter_);
    (warning_sink_ ? warning_sink_ : WarningSink(default_warning))(message);
  }
}

template <Kernel K>
void GaussianProcess<K>::update_weights() {
  const auto lower = lower_factor().template triangularView<Eigen::Lower>();
  weights_ = lower.solve(standardized_values_);
  const double data_fit = weights_.squaredNorm();
  lower_factor().transpose().template triangularView<Eigen::Upper>().solveInPlace(weights_);
  const double n = static_cast<double>(observation_count());
  log_marginal_likelihood_ =
      -0.5 * data_fit - lower_factor().diagonal().array().log().sum() - 0.5 * n * std::log(2.0 * std::numbers::pi);
}

template <Kernel K>
void GaussianProcess<K>::check_query(const Eigen::VectorXd& point) const {
  if (!point.allFinite()) throw std::invalid_argument("hpo::gp::GaussianProcess::predict: non-finite point");
  if (observation_count() > 0 && point.size() != dimension()) {
    throw std::invalid_argument("hpo::gp::GaussianProcess::predict: point has dimension " +
                                std::to_string(point.size()) + ", the model " + std::to_string(dimension()));
  }
}

/// gp.fit(points, values, random_restarts), started from `last` when it holds an earlier fit's log
/// hyperparameters for points of this dimension, and `last` then holds the new fit's: for a model
/// fitted to two kinds of values in turn, each kind keeping its own `last`.
/// Usage: `hpo::gp::fit_continuing(gp, X, y, 0, last_fit_to_y);`
template <Kernel K>
void fit_continuing(GaussianProcess<K>& gp, const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                    int random_restarts, Eigen::VectorXd& last) {
  if (last.size() == points.cols() + 2) {
    gp.fit(points, values, random_restarts, last);
  } else {
    gp.fit(points, values, random_restarts);
  }
  last = gp.log_hyperparameters();
}

/// The Gaussian process the optimizers use: one type whatever the kernel (hpo::KernelType), so that
/// a program instantiates the fit and the predictions once.
/// Usage: `hpo::gp::SelectedGaussianProcess gp({.seed = 1}, hpo::gp::SelectedKernel(0, hpo::KernelType::Matern52));`
using SelectedGaussianProcess = GaussianProcess<SelectedKernel>;

#if HPO_EXTERN_TEMPLATES
// Compiled mode (core/linkage.hpp): hpo::hpo_compiled instantiates these (src/gp.cpp).
extern template class GaussianProcess<SelectedKernel>;
extern template class GaussianProcess<Matern52>;
extern template class GaussianProcess<Matern32>;
extern template class GaussianProcess<SquaredExponential>;
#endif

}  // namespace hpo::gp
