#pragma once
// Bodies of bayesian_optimization.hpp; see core/linkage.hpp.

#include <algorithm>

#include "hpo/optimizers/bayesian_optimization.hpp"

namespace hpo {

HPO_INLINE std::optional<nlohmann::json> BayesianOptimization::transfer_report() const {
  const WarmStart& warm = options_.warm_start;
  // With fewer sources than the learned prior needs, the target GP keeps the default prior: the
  // record says what acted on the search, not what was switched on.
  std::optional<nlohmann::json> report =
      transfer::TransferSurrogate::learns_prior(warm)
          ? warm.report("bayesian_optimization")
          : warm.report("bayesian_optimization", {WarmStartPart::InitialPoints, WarmStartPart::Region,
                                                  WarmStartPart::Surrogate, WarmStartPart::SourceBasis});
  if (report) transfer_.annotate(*report);
  return report;
}

HPO_INLINE std::optional<Config> BayesianOptimization::ask(const Study& study) {
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
  if (step == bayesian::StepKind::Global && warm.uses(WarmStartPart::Surrogate)) transfer_.update_weights(warm);
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

HPO_INLINE void BayesianOptimization::prepare(const Study& study) {
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

HPO_INLINE bayesian::StepKind BayesianOptimization::next_step() {
  ++model_asks_;
  const bool local = options_.exploit_every > 0 && model_asks_ % options_.exploit_every == 0;
  return local ? bayesian::StepKind::Local : bayesian::StepKind::Global;
}

HPO_INLINE PendingStrategy BayesianOptimization::pending_strategy(const Study& study) const {
  const PendingStrategy chosen = options_.pending;
  if (study.running_count() == 0) return PendingStrategy::KrigingBeliever;  // nothing pending: no difference
  if ((chosen == PendingStrategy::ThompsonSampling || chosen == PendingStrategy::QLogExpectedImprovement) &&
      !options_.warm_start.empty())
    return PendingStrategy::KrigingBeliever;
  return chosen;
}

HPO_INLINE std::optional<gp::SelectedGaussianProcess> BayesianOptimization::fantasized(const Study& study,
                                                                                       PendingStrategy strategy) const {
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

HPO_INLINE std::unique_ptr<bayesian::PendingScore> BayesianOptimization::pending_score(
    const Study& study, PendingStrategy strategy, const transfer::CombinedSurrogate& surrogate,
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

HPO_INLINE bool BayesianOptimization::surprised(const Study& study, const std::vector<const Trial*>& fresh,
                                                std::size_t n) const {
  if (!target_.has_model() || !schedule_.watches_surprises(n)) return false;
  return std::ranges::any_of(fresh, [&](const Trial* trial) {
    const Eigen::VectorXd z = encoding_.encode(trial->config);
    return !(target_.surprise(study, *trial, z, transfer_.basis_mean(z)) <= bayesian::RefitSchedule::kSurprise);
  });
}

HPO_INLINE void BayesianOptimization::update_model(const Study& study) {
  const WarmStart& warm = options_.warm_start;
  const auto fresh = target_.fresh_trials(study);
  const std::size_t n = target_.size() + fresh.size();
  const auto refit = schedule_.decide(n, target_.has_model(), surprised(study, fresh, n));
  if (refit.kind == bayesian::RefitSchedule::Kind::Update) {
    for (const Trial* trial : fresh) {
      const Eigen::VectorXd z = encoding_.encode(trial->config);
      target_.add(study, *trial, z, transfer_.basis_mean(z));
    }
  } else {
    const bool had_basis = !transfer_.basis().empty();
    transfer_.clear_basis();
    if (warm.uses(WarmStartPart::HyperparameterPrior))
      target_.set_priors(transfer_.hyperparameter_priors(warm, encoding_));
    // Under the last refit's basis, the schedule says whether the values' fit is redone
    // (RefitSchedule::keeps_values_fit_under_basis); if no source enters, they get it after all.
    const bool judge_only =
        had_basis && warm.uses(WarmStartPart::SourceBasis) && schedule_.keeps_values_fit_under_basis(refit, n);
    auto data = judge_only ? target_.refit_keeping_hyperparameters(study, encoding_)
                           : target_.refit(study, encoding_, refit.restarts);
    if (warm.uses(WarmStartPart::SourceBasis) &&
        !transfer_.fit_basis(warm, encoding_, target_.process(), data.X, data.y) && judge_only)
      data = target_.refit(study, encoding_, refit.restarts);
    // The RGPE weights judge the target model against the sources, so they follow its refit
    // schedule: they are judged on the observations of the last refit (every ask up to 31
    // observations, then every few). Between refits the model takes new points with its
    // hyperparameters fixed, and the ranking draws cost O(n^2) per model and draw (O(n log n)
    // past 128 points), more than such an update. The draws wait for a global step (ask).
    if (warm.uses(WarmStartPart::Surrogate)) transfer_.note_refit(warm, encoding_, data.X, data.y, target_.process());
    schedule_.fitted(n, refit.kind);
  }
}

}  // namespace hpo
