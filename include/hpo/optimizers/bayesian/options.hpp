#pragma once
// The options of hpo::BayesianOptimization, and their validation.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hpo/acquisition/selected_acquisition.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/gp/prior_mean.hpp"
#include "hpo/gp/selected_kernel.hpp"
#include "hpo/optimizers/bayesian/pending_strategy.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// How Bayesian optimization models the trials a pruner stopped (see BayesianOptions::pruned_trials).
enum class PrunedTrials {
  /// In the model with their last reported value, an early value standing for the final one.
  LastValue,
  /// Out of the model (never proposed again all the same).
  Excluded,
};

/// How Bayesian optimization models the trials that failed (see BayesianOptions::failed_trials).
enum class FailedTrials {
  /// Out of the model (never proposed again all the same), as Optuna's samplers ignore them.
  Excluded,
  /// In the model at the worst value observed so far (re-set at each refit), so that the search
  /// learns where the objective fails, as SMAC imputes crashed runs. A trial lost with its
  /// process ("lost: ..." errors) stays out: that failure says nothing about its configuration.
  WorstValue,
};

/// Options of hpo::BayesianOptimization; designated initializers follow this order.
/// Usage: `hpo::BayesianOptimization bo({.seed = 7, .kernel = hpo::KernelType::Matern32});`
struct BayesianOptions {
  std::uint64_t seed = 0;
  /// Knowledge from earlier studies (hpo::WarmStart::from), used in five parts (each can be
  /// switched off in hpo::WarmStartOptions): the sources' best configurations are evaluated first,
  /// in place of part of the initial design; the sources' region is a prior on the acquisition that
  /// fades with target evidence (piBO); a GP fitted once per source joins the target's model in a
  /// ranking-weighted ensemble (RGPE), where a source that orders the target's observations worse
  /// than the target's own model gets weight zero; the target's model is a Bayesian linear
  /// regression on the source GPs' means, which the evidence lets each source into or not, plus
  /// the target's GP on what the regression leaves; and, from 5 sources on, that GP's length-scale
  /// prior is centred on the source GPs' length scales.
  WarmStart warm_start{};
  /// Size of the scrambled-Sobol initial design; 0 picks max(5, min(d + 1, 12)) for d parameters.
  /// Trials already in the study (enqueued, resumed) count toward it.
  std::size_t initial_design = 0;
  /// true: the initial design's first point is the centre of the space (each real or integer
  /// range's midpoint, in log space where the parameter is log-scaled; the middle category), as
  /// dlib's find_min_global starts and as SMAC evaluates its default configuration first, for
  /// ranges drawn around values expected to work. Only a study's very first trial is the centre:
  /// a warm start's transferred points follow it, and an enqueued or resumed trial takes its
  /// place. Off by default: it wins much where the optimum lies near the centre and loses some
  /// where it lies near a corner of the box (bench/results/bo_efficiency.md).
  bool centre_first = false;
  Acquisition acquisition = Acquisition::LogExpectedImprovement;
  KernelType kernel = KernelType::Matern52;
  OutputTransform output_transform = OutputTransform::Robust;
  /// Exploration weight of Acquisition::UpperConfidenceBound (the bound is mean - sqrt(beta)*sd);
  /// finite and at least 0.
  double ucb_beta = 4.0;
  /// Quasi-random candidates scored per ask (at most 10^6); 0 picks
  /// min(2000, max(500, 100 * model dimension)), halved above 100 observations.
  std::size_t candidates = 0;
  /// Best candidates refined by L-BFGS-B over the real parameters (30 iterations each; past 200
  /// observations at most 3 candidates, 10 iterations each).
  std::size_t local_starts = 5;
  /// Every this many model-based asks, one is a local step instead, around the incumbent (a trust
  /// region, as dlib's LIPO-TR and TuRBO use to converge fast locally): its candidates are Gaussian
  /// perturbations of the incumbent with standard deviations of 1, 1/4 and 1/16 times a width that
  /// shrinks from 0.2 to 0.05 of each real parameter's range (a category or integer changes with
  /// probability 1/d), and L-BFGS-B refines them within that width of the incumbent. A candidate
  /// from the Gaussian's tail may lie outside the box (clamping it there was measured worse:
  /// bench/results/design_measurements.md). 0 never takes one.
  std::size_t exploit_every = 2;
  /// Up to this many observations, hyperparameters are re-fitted in full (3 random restarts) when
  /// a new observation lies more than one predictive standard deviation from the model's
  /// prediction, else from the last fit once the observations have grown by a sixteenth since it
  /// (every ask up to 31 observations), and in between new observations enter by the O(n^2)
  /// Cholesky update (bayesian/refit_schedule.hpp says why). Past it, in full (1 random restart)
  /// whenever the observations have grown by a quarter since the last full fit; in between from
  /// the last fit (no restarts) every 8 new observations, and otherwise by the update.
  std::size_t full_refit_until = 64;
  /// Pruned trials in the model with their last reported value (LastValue), or out of it
  /// (Excluded). A learning curve seldom rises, so a last value is at worst an optimistic-for-
  /// the-trial estimate of where it was heading, and it tells the model that the region did badly
  /// early on. Measured against Excluded in bench/results/pruning.md: better with ASHA, whose
  /// pruned trials left out leave BO proposing next to them again, worse with Hyperband.
  PrunedTrials pruned_trials = PrunedTrials::LastValue;
  /// Failed trials (the objective threw, or returned NaN or an infinity) out of the model
  /// (Excluded), or in it at the worst value observed so far (WorstValue). Choose WorstValue when
  /// failures fill a region of the space (a learning rate past which training diverges, a batch
  /// that does not fit in memory): left out, they teach the model nothing, and a search whose
  /// model predicts good values beyond the region's edge keeps proposing there (Branin failing on
  /// 45% of its box: 35 of 50 trials failed, 7 with WorstValue). Keep Excluded when failures strike
  /// at random: imputed, each one costs the good region around it credit (measured for both in
  /// bench/results/failures.md).
  FailedTrials failed_trials = FailedTrials::Excluded;
  /// What to do with the trials still running at an ask (hpo::PendingStrategy); with none running
  /// it changes nothing.
  PendingStrategy pending = PendingStrategy::KrigingBeliever;
  /// Local steps on a space of real parameters minimize a quadratic fitted to the raw values of
  /// the trials nearest the incumbent, within the trust region, once enough trials lie within it
  /// (bayesian::quadratic_step; Powell's trust-region model, NEWUOA 2004, which dlib's
  /// global_function_search alternates with its global steps). The GP's trust-region step is taken
  /// instead when the quadratic predicts no improvement, while trials are running, and on the
  /// local step after a quadratic step that did not improve on the incumbent. Converges to the
  /// precision of the values on smooth objectives, where the GP's noise floor stalls
  /// (bench/results/bo_efficiency.md).
  bool local_quadratic = true;
  /// Once the model holds more than this many observations, its GP conditions on a subset of this
  /// many (0: on all of them, at every n), re-chosen at every refit: those nearest the best
  /// observation in the metric of the fitted length scales (the neighbourhood of the trust-region
  /// steps: a local GP, as TuRBO's, Eriksson et al., NeurIPS 2019; subset of data, Rasmussen &
  /// Williams 2006, section 8.3.1), so that an ask costs O(m^2) and a refit O(m^3) in this m
  /// however long the study; hpo::bayesian::model_subset. Up to this many
  /// observations nothing changes. 0, or at least 50. What it costs in regret and saves in time:
  /// bench/results/scale.md.
  std::size_t max_model_points = 500;
  /// The constant prior mean of the target's GP (hpo::PriorMean). Automatic: the worst value
  /// observed so far in a cold start, which keeps expected improvement off the unexplored corners
  /// of the box, and the values' average with a warm start. The source GPs of a warm start keep
  /// their own average either way.
  PriorMean prior_mean = PriorMean::Automatic;
};
using BayesianOptimizationOptions = BayesianOptions;

namespace bayesian {

/// Throws std::invalid_argument naming the first field of `options` that is out of range, and its value.
inline void validate(const BayesianOptions& options) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::BayesianOptimization: " + what); };
  if (options.acquisition != Acquisition::LogExpectedImprovement &&
      options.acquisition != Acquisition::UpperConfidenceBound &&
      options.acquisition != Acquisition::ProbabilityOfImprovement)
    fail("acquisition = " + std::to_string(static_cast<int>(options.acquisition)) + " is not an hpo::Acquisition");
  if (options.kernel != KernelType::Matern52 && options.kernel != KernelType::Matern32 &&
      options.kernel != KernelType::SquaredExponential)
    fail("kernel = " + std::to_string(static_cast<int>(options.kernel)) + " is not an hpo::KernelType");
  if (options.output_transform != OutputTransform::Standardize && options.output_transform != OutputTransform::Robust)
    fail("output_transform = " + std::to_string(static_cast<int>(options.output_transform)) +
         " is not an hpo::OutputTransform");
  if (!(options.ucb_beta >= 0.0) || !std::isfinite(options.ucb_beta))
    fail("ucb_beta must be finite and >= 0, got " + detail::format_value(options.ucb_beta));
  if (options.pruned_trials != PrunedTrials::LastValue && options.pruned_trials != PrunedTrials::Excluded)
    fail("pruned_trials = " + std::to_string(static_cast<int>(options.pruned_trials)) + " is not an hpo::PrunedTrials");
  if (options.failed_trials != FailedTrials::Excluded && options.failed_trials != FailedTrials::WorstValue)
    fail("failed_trials = " + std::to_string(static_cast<int>(options.failed_trials)) + " is not an hpo::FailedTrials");
  if (options.pending < PendingStrategy::KrigingBeliever || options.pending > PendingStrategy::QLogExpectedImprovement)
    fail("pending = " + std::to_string(static_cast<int>(options.pending)) + " is not an hpo::PendingStrategy");
  if (options.max_model_points != 0 && options.max_model_points < 50)
    fail("max_model_points must be 0 (all) or at least 50, got " + std::to_string(options.max_model_points));
  if (options.prior_mean != PriorMean::Automatic && options.prior_mean != PriorMean::Average &&
      options.prior_mean != PriorMean::WorstObserved)
    fail("prior_mean = " + std::to_string(static_cast<int>(options.prior_mean)) + " is not an hpo::PriorMean");
  if (options.candidates > 1'000'000)
    fail("candidates must be at most 1000000, got " + std::to_string(options.candidates));
}

/// The prior mean the target's GP takes: options.prior_mean, with Automatic resolved by whether
/// there is a warm start (hpo::PriorMean).
inline PriorMean resolved_prior_mean(const BayesianOptions& options) {
  if (options.prior_mean != PriorMean::Automatic) return options.prior_mean;
  return options.warm_start.empty() ? PriorMean::WorstObserved : PriorMean::Average;
}

}  // namespace bayesian
}  // namespace hpo
