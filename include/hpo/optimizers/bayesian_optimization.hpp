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
/// The study records the warm start and the current weights (Study::warm_start_record()).
/// Not thread-safe: one object serves one thread (hpo::optimize asks from the calling thread only).
/// Usage: `hpo::BayesianOptimization bo({.seed = 7}); auto study = hpo::optimize(space, f, bo, {.max_evaluations =
/// 50});`
class BayesianOptimization {
 public:
  explicit BayesianOptimization(BayesianOptions options = {})
      : options_((bayesian::validate(options), std::move(options))),
        design_(options_.seed, options_.initial_design),
        schedule_(options_.full_refit_until),
        target_(options_.seed, options_.kernel, options_.output_transform, options_.pruned_trials,
                options_.max_model_points),
        transfer_({.seed = options_.seed,
                   .kernel = options_.kernel,
                   .robust_outputs = options_.output_transform == OutputTransform::Robust}) {}

  const BayesianOptions& options() const noexcept { return options_; }

  /// The current RGPE weights: one per source, then the target's; empty until computed (cold
  /// runs, or before the first model-based ask of a warm run).
  const Eigen::VectorXd& transfer_weights() const noexcept { return transfer_.weights(); }

  /// What the warm start did so far, for the study's record (Study::ask stores it when it changes).
  std::optional<nlohmann::json> transfer_report() const {
    std::optional<nlohmann::json> report = options_.warm_start.report("bayesian_optimization");
    if (report) transfer_.annotate(*report);
    return report;
  }

  std::optional<Config> ask(const Study& study) {
    const WarmStart& warm = options_.warm_start;
    require_parameters(study.space(), "hpo::BayesianOptimization");
    check_sobol_dimensions(study.space().size(), "hpo::BayesianOptimization",
                           "hpo::RandomSearch with Sampler::Uniform or Sampler::LatinHypercube has no limit");
    prepare(study);
    if (!warm.empty()) check_warm_start_space(warm, study.space(), "hpo::BayesianOptimization");
    seen_.update(study);
    if (study.trials().size() < design_.size(study.space().size()) || study.completed_count() < 2)
      return design_.next(study, warm, seen_);
    // Every transferred initial point is evaluated before the model takes over, also when there are
    // more of them than the cold design holds or the study already had trials (resumed, enqueued).
    if (auto transferred = warm.empty() ? std::nullopt : warm.next_initial_point(study)) return transferred;
    update_model(study);
    const bayesian::StepKind step = next_step();
    const PendingStrategy strategy = pending_strategy(study);
    const auto fantasy = fantasized(study, strategy);
    const auto& model = fantasy ? *fantasy : target_.process();
    const auto surrogate =
        transfer_.surrogate(model, step == bayesian::StepKind::Global && warm.uses(WarmStartPart::Surrogate));
    const auto prior =
        step == bayesian::StepKind::Local ? transfer::RegionPrior{} : transfer_.region_prior(warm, target_.size());
    const acquisition::SelectedAcquisition score{options_.acquisition, target_.best(), options_.ucb_beta};
    const Eigen::VectorXd incumbent_u = study.space().to_unit(study.best().config);
    const Eigen::Index n = model.observation_count();
    const double width = bayesian::trust_width(model_asks_);
    if (step == bayesian::StepKind::Local && options_.local_quadratic && study.running_count() == 0) {
      // Powell's ratio test in its simplest form: a quadratic step that did not improve on the
      // incumbent hands the next local step back to the GP.
      const bool failed = quadratic_trial_ && study.best().number != *quadratic_trial_;
      quadratic_trial_.reset();
      if (!failed)
        if (const auto u = bayesian::quadratic_step(study, incumbent_u, width))
          if (Config config = study.space().from_unit(*u); !seen_.contains(config)) {
            quadratic_trial_ = study.trials().size();
            return config;
          }
    }
    const auto candidates = bayesian::candidate_points(study.space(), incumbent_u, step,
                                                       bayesian::sweep_size(options_.candidates, encoding_.width(), n),
                                                       width, options_.seed, study.trials().size());
    const auto pending = pending_score(study, strategy, surrogate, candidates);
    // Each gradient step costs O(n^2); past 200 observations fewer, shorter refinements keep an ask
    // within its budget (the local candidates already sit near the incumbent).
    const bool large = n > 200;
    const bayesian::AcquisitionSearch search(
        encoding_, surrogate, score, prior,
        {.local_starts = large ? std::min<std::size_t>(options_.local_starts, 3) : options_.local_starts,
         .max_iterations = large ? 10 : 30,
         .half_width = step == bayesian::StepKind::Local ? width : 1.0,
         .incumbent_u = incumbent_u,
         .pending = pending.get()});
    for (const auto& proposal : search.rank(candidates))
      if (Config config = encoding_.decode(search.model_point(proposal, candidates)); !seen_.contains(config))
        return config;
    return design_.random_unseen(study, seen_);
  }

 private:
  // Past this many observations the weights are recomputed at each refit only: the target's own
  // model dominates by then and the ranking loss costs O(n^2) per draw.
  static constexpr std::size_t kWeightEveryAskUntil = 150;
  // Candidates at which local penalization measures the gradient of the mean (as many as GPyOpt's
  // estimate of the Lipschitz constant samples).
  static constexpr std::size_t kLipschitzPoints = 500;

  // Starts over on a new study, or when the study is not the one the state was built from.
  void prepare(const Study& study) {
    if (tracker_.follows(study) && encoding_.space() == study.space()) return;
    const bool space_changed = !(encoding_.space() == study.space());
    encoding_ = ModelEncoding(study.space());
    target_.reset();
    schedule_.reset();
    transfer_.reset(space_changed);
    seen_.clear();
    model_asks_ = 0;
    quadratic_trial_.reset();
  }

  // The RGPE ensemble steers the global steps only: a trust-region step refines around the
  // incumbent, where the target's own evidence is what counts, and a source's slightly shifted
  // optimum would otherwise hold it back from converging. The source basis is part of the target's
  // own model (fitted to the target's values), so both kinds of step use it.
  bayesian::StepKind next_step() {
    ++model_asks_;
    const bool local = options_.exploit_every > 0 && model_asks_ % options_.exploit_every == 0;
    return local ? bayesian::StepKind::Local : bayesian::StepKind::Global;
  }

  // The strategy for the running trials of this ask. Thompson sampling and qLogEI need the joint
  // posterior of the target's own GP, which the warm start's ensemble and source basis do not
  // give: with a warm start they fall back to the kriging believer.
  PendingStrategy pending_strategy(const Study& study) const {
    const PendingStrategy chosen = options_.pending;
    if (study.running_count() == 0) return PendingStrategy::KrigingBeliever;  // nothing pending: no difference
    if ((chosen == PendingStrategy::ThompsonSampling || chosen == PendingStrategy::QLogExpectedImprovement) &&
        !options_.warm_start.empty())
      return PendingStrategy::KrigingBeliever;
    return chosen;
  }

  // The target's GP with the running trials fantasized, for the strategies that fantasize (nullopt
  // otherwise, or when none is running).
  std::optional<gp::SelectedGaussianProcess> fantasized(const Study& study, PendingStrategy strategy) const {
    const auto explained = [this](const Eigen::VectorXd& z) { return transfer_.basis_mean(z); };
    switch (strategy) {
      case PendingStrategy::KrigingBeliever:
        return target_.with_running_trials(study, encoding_);
      case PendingStrategy::ConstantLiarMin:
        return target_.with_running_trials(study, encoding_, target_.best(), explained);
      case PendingStrategy::ConstantLiarMean:
        return target_.with_running_trials(study, encoding_, target_.mean(), explained);
      default:
        return std::nullopt;
    }
  }

  // What the strategies that work on the acquisition make of it (null for the others).
  std::unique_ptr<bayesian::PendingScore> pending_score(const Study& study, PendingStrategy strategy,
                                                        const transfer::CombinedSurrogate& surrogate,
                                                        const std::vector<Eigen::VectorXd>& candidates) const {
    if (strategy != PendingStrategy::LocalPenalization && strategy != PendingStrategy::ThompsonSampling &&
        strategy != PendingStrategy::QLogExpectedImprovement)
      return nullptr;
    std::vector<Eigen::VectorXd> running;
    for (const auto& trial : study.trials())
      if (trial.running()) running.push_back(encoding_.encode(trial.config));
    // Each ask's draws come from their own stream, by the number of trials: a resumed study draws
    // the same.
    Rng rng(options_.seed ^ bayesian::kPendingDrawsSalt, study.trials().size());
    switch (strategy) {
      case PendingStrategy::LocalPenalization: {
        // The Lipschitz constant from the mean's gradient at up to kLipschitzPoints candidates,
        // spread over the sweep.
        const std::size_t stride = std::max<std::size_t>(1, candidates.size() / kLipschitzPoints);
        Eigen::MatrixXd points((candidates.size() + stride - 1) / stride, encoding_.width());
        for (std::size_t i = 0, row = 0; i < candidates.size(); i += stride, ++row)
          points.row(static_cast<Eigen::Index>(row)) = encoding_.from_unit(candidates[i]).transpose();
        return std::make_unique<bayesian::LocalPenalization>(surrogate, running, points, target_.best(),
                                                             options_.acquisition != Acquisition::UpperConfidenceBound);
      }
      case PendingStrategy::ThompsonSampling:
        return std::make_unique<bayesian::ThompsonSample>(target_.process(), rng);
      default:
        return std::make_unique<bayesian::PendingQLogEI>(target_.process(), running, target_.best(), rng);
    }
  }

  // Brings the target model up to date with the completed trials, on the refit schedule, with the
  // source basis under it and the RGPE weights over it.
  void update_model(const Study& study) {
    const WarmStart& warm = options_.warm_start;
    const auto fresh = target_.fresh_trials(study);
    const std::size_t n = target_.size() + fresh.size();
    const auto refit = schedule_.decide(n, target_.has_model());
    if (refit.kind == bayesian::RefitSchedule::Kind::Update) {
      for (const Trial* trial : fresh) {
        const Eigen::VectorXd z = encoding_.encode(trial->config);
        target_.add(study, *trial, z, transfer_.basis_mean(z));
      }
    } else {
      transfer_.clear_basis();
      const auto data = target_.refit(study, encoding_, refit.restarts);
      if (warm.uses(WarmStartPart::SourceBasis))
        transfer_.fit_basis(warm, encoding_, target_.process(), data.X, data.y);
      schedule_.fitted(n, refit.kind);
    }
    if (warm.uses(WarmStartPart::Surrogate) &&
        (refit.kind != bayesian::RefitSchedule::Kind::Update || n <= kWeightEveryAskUntil))
      transfer_.update_weights(warm, study, encoding_, target_.order(), target_.transform(), target_.process());
  }

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
