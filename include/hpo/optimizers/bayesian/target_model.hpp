#pragma once
// Bayesian optimization's model of the target: a Gaussian process on the completed trials'
// values, oriented so that lower is better and shaped by the output transform.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/optimizers/bayesian/model_subset.hpp"
#include "hpo/optimizers/bayesian/options.hpp"
#include "hpo/study/study.hpp"

namespace hpo::bayesian {

/// The target's GP and the output transform it was fitted with. It holds the completed trials (and
/// the pruned ones, with their last value, under PrunedTrials::LastValue) in
/// the order it received them (order()): a refit takes them all in study order, an update appends.
/// Past `max_points` (BayesianOptions::max_model_points) a refit conditions the GP on the subset of
/// model_subset instead, in study order, and order() lists that subset; the transform, best() and
/// mean() still cover every observation. Not thread-safe.
/// Usage: `auto data = model.refit(study, encoding, 3); model.process().predict(Z);`
class TargetModel {
 public:
  TargetModel(std::uint64_t seed, KernelType kernel, OutputTransform transform,
              PrunedTrials pruned = PrunedTrials::LastValue, std::size_t max_points = 0,
              PriorMean prior_mean = PriorMean::Average, FailedTrials failed = FailedTrials::Excluded)
      : seed_(seed),
        kernel_(kernel),
        robust_(transform == OutputTransform::Robust),
        pruned_(pruned),
        failed_(failed),
        max_points_(max_points),
        prior_mean_(prior_mean) {}

  /// Whether the model holds `trial`: completed, pruned with a last value when pruned trials
  /// count (PrunedTrials::LastValue), or failed, but not lost with its process, when failures
  /// count (FailedTrials::WorstValue).
  bool models(const Trial& trial) const noexcept {
    return trial.completed() || (pruned_ == PrunedTrials::LastValue && trial.pruned() && std::isfinite(trial.value)) ||
           (failed_ == FailedTrials::WorstValue && trial.failed() && !trial.error.starts_with("lost: "));
  }

  /// The inputs (model coordinates) and transformed values the GP was fitted on at the last refit.
  struct Data {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
  };

  void reset();

  bool has_model() const noexcept { return process_.has_value(); }
  /// Completed trials the model holds (the GP may condition on a subset of them).
  std::size_t size() const noexcept { return modeled_.size(); }
  /// Their trial numbers, in the order the GP holds them.
  const std::vector<std::size_t>& order() const noexcept { return order_; }
  const gp::ValueTransform& transform() const noexcept { return transform_; }
  /// The best (lowest) transformed value the model holds.
  double best() const noexcept { return best_; }
  /// The transformed values the model holds, in order(): a failed trial's is the worst value
  /// observed when it entered (FailedTrials::WorstValue).
  const std::vector<double>& values() const noexcept { return values_; }
  const gp::SelectedGaussianProcess& process() const { return *process_; }
  gp::SelectedGaussianProcess& process() { return *process_; }
  /// The hyperparameter priors of the next refits (none: the GP's defaults).
  void set_priors(std::optional<gp::HyperparameterPriors> priors) { priors_ = std::move(priors); }

  /// The GP with every running trial fantasized at its posterior mean (the kriging believer,
  /// Ginsbourger, Le Riche & Carraro 2010), so that concurrent asks spread out; nullopt when no
  /// trial is running (then the GP itself is the model). With `lie`, every running trial is
  /// fantasized at that transformed value instead (the same paper's constant liar); the GP then
  /// receives the lie minus `explained(z)` (what a source basis already predicts there).
  std::optional<gp::SelectedGaussianProcess> with_running_trials(
      const Study& study, const ModelEncoding& encoding, std::optional<double> lie = std::nullopt,
      const std::function<double(const Eigen::VectorXd&)>& explained = {}) const;

  /// The mean of the transformed values the model holds.
  double mean() const noexcept { return modeled_.empty() ? 0.0 : sum_ / static_cast<double>(modeled_.size()); }

  /// Completed trials the model does not hold yet.
  std::vector<const Trial*> fresh_trials(const Study& study) const;

  /// Refits on every completed trial (or, past max_points of them, on the subset model_subset
  /// chooses): a new output transform, and the hyperparameters with this many random restarts (0:
  /// from the last fit only). The fit starts from the hyperparameters of the last refit's own fit:
  /// a source basis refits the GP to what it leaves of the values in between
  /// (TransferSurrogate::fit_basis), and starting from that fit costs the next refit more steps.
  Data refit(const Study& study, const ModelEncoding& encoding, int restarts);

  /// As refit, with the hyperparameters of the last refit's own fit instead of a new fit: a new
  /// transform and a new factorization, O(n^3) once. Before any fit, refit(study, encoding, 0).
  Data refit_keeping_hyperparameters(const Study& study, const ModelEncoding& encoding);

  /// How far `trial`'s value lies from the model's prediction at z, in predictive standard
  /// deviations (observation noise included); `explained` as for add(). O(n^2).
  double surprise(const Study& study, const Trial& trial, const Eigen::VectorXd& z, double explained) const;

  /// Adds one completed trial by the O(n^2) update, with the hyperparameters and the transform of
  /// the last refit; the GP receives its transformed value minus `explained` (what a source basis
  /// already predicts there).
  void add(const Study& study, const Trial& trial, const Eigen::VectorXd& z, double explained);

 private:
  // The value the model takes for a trial, with the last refit's transform: a failure's is the
  // worst value observed.
  double modeled_value(const Study& study, const Trial& trial) const;

  // A trial's model point, encoded once: a refit of a long study would otherwise spend as long
  // encoding every trial again as fitting its subset.
  const Eigen::VectorXd& encoded(const Trial& trial, const ModelEncoding& encoding);

  // The observations of a refit, the transform fitted to them, and the GP ready for their fit.
  Data gather(const Study& study, const ModelEncoding& encoding);

  // The rows of `all` model_subset keeps, with order_ cut down to match; the length scales are the
  // last fit's (none before the first: model_subset then weighs every coordinate alike).
  Data subset(Data all);

  std::uint64_t seed_;
  KernelType kernel_;
  bool robust_;
  PrunedTrials pruned_;
  FailedTrials failed_;
  std::size_t max_points_;
  PriorMean prior_mean_;
  std::optional<gp::SelectedGaussianProcess> process_;
  Eigen::VectorXd own_fit_;  // log hyperparameters of the last refit's fit to the values; empty before
  std::optional<gp::HyperparameterPriors> priors_;
  std::set<std::size_t> modeled_;
  std::vector<std::size_t> order_;
  std::vector<Eigen::VectorXd> encoded_;  // by trial number; empty until encoded
  gp::ValueTransform transform_;
  std::vector<double> values_;
  double best_ = 0.0;
  double worst_ = 0.0;
  double sum_ = 0.0;
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/target_model.ipp"
#endif
