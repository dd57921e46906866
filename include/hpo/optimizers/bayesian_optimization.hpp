#pragma once
// Bayesian optimization with a Gaussian-process surrogate: the orchestrator of the parts in
// optimizers/bayesian/ and transfer/transfer_surrogate.hpp.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/acquisition/selected_acquisition.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/optimizers/bayesian/acquisition_search.hpp"
#include "hpo/optimizers/bayesian/candidates.hpp"
#include "hpo/optimizers/bayesian/initial_design.hpp"
#include "hpo/optimizers/bayesian/local_penalization.hpp"
#include "hpo/optimizers/bayesian/options.hpp"
#include "hpo/optimizers/bayesian/pending_q_log_ei.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/optimizers/bayesian/pending_strategy.hpp"
#include "hpo/optimizers/bayesian/quadratic_step.hpp"
#include "hpo/optimizers/bayesian/refit_schedule.hpp"
#include "hpo/optimizers/bayesian/target_model.hpp"
#include "hpo/optimizers/bayesian/thompson_sample.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/study/seen_configurations.hpp"
#include "hpo/study/study.hpp"
#include "hpo/study/study_tracker.hpp"
#include "hpo/transfer/transfer_surrogate.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// Bayesian optimization (Snoek, Larochelle, Adams, NeurIPS 2012) with a Matern-5/2 ARD Gaussian
/// process (MAP hyperparameters), log expected improvement (Ament et al., NeurIPS 2023), a Sobol
/// initial design and periodic trust-region exploitation steps (on real parameters, in the end
/// game, the step of a local quadratic model: BayesianOptions::local_quadratic). Works on every
/// kind of parameter: reals by L-BFGS-B, integers and categories through a model encoding in which every point is a
/// valid configuration. Trials still running are fantasized at their posterior mean ("kriging
/// believer", Ginsbourger et al. 2010), so concurrent asks give distinct points. Failed trials stay
/// out of the model and are never proposed again; no configuration already in the study is.
/// Pruned trials enter the model with their last reported value (BayesianOptions::pruned_trials).
/// Past BayesianOptions::max_model_points observations the GP conditions on a subset of them (the
/// neighbourhood of the incumbent and a random sample of the rest), so that an ask's cost stops
/// growing with the study.
/// With a warm start, the surrogate is the RGPE ensemble of Feurer, Letham & Bakshy (2018): mean
/// sum_i w_i mu_i, variance sum_i w_i^2 sigma_i^2 over the source GPs (fitted on each source's own
/// standardized values, mapped onto the target's mean and spread) and the target GP, with the
/// weights of hpo::transfer::ranking_weights recomputed as target observations arrive; the
/// acquisition is weighted by the sources' region prior (Hvarfner et al., ICLR 2022). The target's
/// model there is itself informed by the sources: a Bayesian linear regression on the source GPs'
/// means (the head of ABLR, Perrone et al., NeurIPS 2018, with the source surrogates as features;
/// hpo::transfer::SourceBasis), with the target GP fitted on its residuals, so that a target that
/// is a rescaled source or a mix of sources is learned from a few observations.
/// The study records the warm start and the weights of its last global step (Study::warm_start_record()).
/// Not thread-safe: one object serves one thread (hpo::optimize asks from the calling thread only).
/// Usage: `hpo::BayesianOptimization bo({.seed = 7}); auto study = hpo::optimize(space, f, bo, {.max_evaluations =
/// 50});`
class BayesianOptimization {
 public:
  explicit BayesianOptimization(BayesianOptions options = {})
      : options_((bayesian::validate(options), std::move(options))),
        design_(options_.seed, options_.initial_design, options_.centre_first),
        schedule_(options_.full_refit_until),
        target_(options_.seed, options_.kernel, options_.output_transform, options_.pruned_trials,
                options_.max_model_points, bayesian::resolved_prior_mean(options_), options_.failed_trials),
        transfer_({.seed = options_.seed,
                   .kernel = options_.kernel,
                   .robust_outputs = options_.output_transform == OutputTransform::Robust}) {}

  const BayesianOptions& options() const noexcept { return options_; }

  /// The RGPE weights of the last global step: one per source, then the target's; empty until
  /// computed (cold runs, or before the first model-based ask of a warm run). A local step does
  /// not use them, and does not compute them.
  const Eigen::VectorXd& transfer_weights() const noexcept { return transfer_.weights(); }

  /// What the warm start did so far, for the study's record (Study::ask stores it when it changes).
  std::optional<nlohmann::json> transfer_report() const;

  std::optional<Config> ask(const Study& study);

 private:
  // Candidates at which local penalization measures the gradient of the mean (as many as GPyOpt's
  // estimate of the Lipschitz constant samples).
  static constexpr std::size_t kLipschitzPoints = 500;

  // Starts over on a new study, or when the study is not the one the state was built from.
  void prepare(const Study& study);

  // The RGPE ensemble steers the global steps only: a trust-region step refines around the
  // incumbent, where the target's own evidence is what counts, and a source's slightly shifted
  // optimum would otherwise hold it back from converging. The source basis is part of the target's
  // own model (fitted to the target's values), so both kinds of step use it.
  bayesian::StepKind next_step();

  // The strategy for the running trials of this ask. Thompson sampling and qLogEI need the joint
  // posterior of the target's own GP, which the warm start's ensemble and source basis do not
  // give: with a warm start they fall back to the kriging believer.
  PendingStrategy pending_strategy(const Study& study) const;

  // The target's GP with the running trials fantasized, for the strategies that fantasize (nullopt
  // otherwise, or when none is running).
  std::optional<gp::SelectedGaussianProcess> fantasized(const Study& study, PendingStrategy strategy) const;

  // What the strategies that work on the acquisition make of it (null for the others).
  std::unique_ptr<bayesian::PendingScore> pending_score(const Study& study, PendingStrategy strategy,
                                                        const transfer::CombinedSurrogate& surrogate,
                                                        const std::vector<Eigen::VectorXd>& candidates) const;

  // Brings the target model up to date with the completed trials, on the refit schedule, with the
  // source basis under it and the RGPE weights over it.
  void update_model(const Study& study);
  // Whether a fresh trial lies outside the model's prediction (false without a model, or where the
  // schedule does not ask at n).
  bool surprised(const Study& study, const std::vector<const Trial*>& fresh, std::size_t n) const;

  BayesianOptions options_;
  bayesian::InitialDesign design_;
  bayesian::RefitSchedule schedule_;
  bayesian::TargetModel target_;
  transfer::TransferSurrogate transfer_;
  detail::StudyTracker tracker_;
  detail::SeenConfigurations seen_;
  ModelEncoding encoding_;
  std::size_t model_asks_ = 0;
  std::optional<std::size_t> quadratic_trial_;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/impl/bayesian_optimization.ipp"
#endif
