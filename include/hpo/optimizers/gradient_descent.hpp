#pragma once
// Gradient descent on the real hyperparameters: the orchestrator of the parts in
// optimizers/gradient_descent/ (step rule, gradient estimate, backtracking, stop rules).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/random.hpp"
#include "hpo/optimizers/gradient_descent/backtracking.hpp"
#include "hpo/optimizers/gradient_descent/gradient_estimate.hpp"
#include "hpo/optimizers/gradient_descent/options.hpp"
#include "hpo/optimizers/gradient_descent/step_rule.hpp"
#include "hpo/optimizers/gradient_descent/stop_rules.hpp"
#include "hpo/study/study.hpp"
#include "hpo/study/study_tracker.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// Thrown by hpo::GradientDescent::ask (and so out of hpo::optimize) when too many evaluations in a
/// row failed. It carries a copy of the study, with every trial evaluated so far.
class TooManyFailures : public std::runtime_error {
 public:
  TooManyFailures(const std::string& message, Study study) : std::runtime_error(message), study_(std::move(study)) {}
  const Study& study() const noexcept { return study_; }

 private:
  Study study_;
};

/// Gradient-based hyperparameter optimization: start at theta_0 (a warm start's best transferred
/// configuration, else `.start`, else the centre of the space) and iterate
/// theta <- P(theta - step), the step from Adam (Kingma & Ba, ICLR 2015) or plain gradient descent
/// with a step schedule, P the projection onto the bounds. It works on the real parameters in the
/// unit cube (log parameters in their logarithm); integer and categorical parameters are held at
/// their start values.
///
/// The gradient is the objective's own when it returns an hpo::Evaluation with one (d value / d
/// parameter in the user's units, converted by the chain rule: d/du = dx/du * d/dx, and for a log
/// parameter dx/du = x * log(high / low)) — e.g. a hypergradient by implicit differentiation
/// (Pedregosa, ICML 2016; Lorraine, Vicol & Duvenaud, AISTATS 2020). Otherwise, after the first
/// evaluation shows there is none, each step evaluates 2 points per real parameter (central
/// differences) or 2 points in all (SPSA, Spall 1992), each a trial of the study. The iterate itself
/// is then not evaluated, so the study's best is a probe within finite_difference_step of it.
///
/// Adam's momentum restarts when a step overshoots (O'Donoghue & Candes, Found. Comput. Math. 2015),
/// and a step that raised the value is taken back and retried shorter (`backtrack`).
/// It stops on a small projected gradient, on no relative improvement over `patience` steps, or
/// when the run's budget ends; stop_reason() says which. A failed evaluation steps back: halfway
/// to the previous point, with the step size halved from then on; `max_consecutive_failures`
/// failures in a row throw hpo::TooManyFailures, which carries the study.
/// It is a local method: on a validation loss with several basins it converges in the one it
/// starts in (a warm start can pick the wrong one); Bayesian optimization searches globally.
///
/// The state is rebuilt from the study: the optimizer matches each point it wants to the trial
/// holding that configuration, so a resumed journal continues the same path. All the points of
/// one gradient estimate can be asked before any is told; while they are outstanding ask()
/// returns std::nullopt. The same seed gives the same configurations on every platform.
/// Not thread-safe: one object serves one thread (hpo::optimize asks from the calling thread only).
/// Usage: `hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.1, .warm_start = warm});`
class GradientDescent {
 public:
  explicit GradientDescent(GradientDescentOptions options = {})
      : options_((gradient::validate(options), std::move(options))), rule_(options_) {}

  const GradientDescentOptions& options() const noexcept { return options_; }
  GradientDescentStop stop_reason() const noexcept { return stop_; }
  /// Why it stopped, with the numbers ("projected gradient norm 3.2e-09 <= 1e-06 after 14 steps").
  std::string stop_message() const {
    if (stop_ == GradientDescentStop::Budget)
      return "did not stop by itself (the run's budget or a callback ended it) after " + std::to_string(steps_) +
             " steps";
    return stop_message_;
  }
  /// Gradient steps taken so far.
  std::size_t steps() const noexcept { return steps_; }
  /// Whether the objective returned gradients (known after the first completed evaluation).
  bool uses_objective_gradient() const noexcept { return analytic_ == Mode::Analytic; }

  /// What the warm start holds, for the study's record (Study::ask stores it); nullopt when cold.
  std::optional<nlohmann::json> transfer_report() const {
    return options_.warm_start.report("gradient_descent", {WarmStartPart::InitialPoints});
  }

  std::optional<Config> ask(const Study& study) {
    require_parameters(study.space(), "hpo::GradientDescent");
    synchronize(study);
    for (;;) {
      if (stop_ != GradientDescentStop::Budget) return std::nullopt;
      match_batch(study);
      bool any_failed = false, all_finished = true;
      for (const auto& point : batch_) {
        if (!point.trial) {
          all_finished = false;
          continue;
        }
        const Trial& trial = study.trials()[*point.trial];
        any_failed |= trial.failed();
        all_finished &= !trial.running();
      }
      if (any_failed || all_finished) {
        consume(study);
        continue;
      }
      for (const auto& point : batch_)
        if (!point.trial) return point.config;
      return std::nullopt;  // every point is out; wait for them to be told
    }
  }

 private:
  enum class Mode { Unknown, Analytic, Estimated };
  enum class BatchKind { Centre, Probes };

  struct Point {
    Eigen::VectorXd u;  // real coordinates in the unit cube
    Config config;
    std::optional<std::size_t> trial;
  };

  bool claimed(std::size_t t) const {
    for (const auto& point : batch_)
      if (point.trial == t) return true;
    return false;
  }

  // Matches every point of the current batch to a trial holding its configuration.
  void match_batch(const Study& study) {
    const auto& trials = study.trials();
    for (auto& point : batch_) {
      if (point.trial) continue;
      for (std::size_t t = scan_from_; t < trials.size(); ++t) {
        if (claimed(t) || trials[t].config != point.config) continue;
        point.trial = t;
        break;
      }
    }
  }

  // Starts over (and so replays the study from its first trial) when the study is not the one the
  // state was built from: another study, another space, fewer trials, or a matched trial with
  // another config.
  void synchronize(const Study& study) {
    bool fresh = !tracker_.follows(study) || !space_ || !(*space_ == study.space());
    const auto& trials = study.trials();
    for (const auto& point : batch_)
      if (point.trial && (*point.trial >= trials.size() || trials[*point.trial].config != point.config)) fresh = true;
    if (last_consumed_ &&
        (last_consumed_->first >= trials.size() || trials[last_consumed_->first].config != last_consumed_->second))
      fresh = true;
    if (fresh) initialize(study.space());
  }

  // The start: the warm start's best transferred configuration, else .start, else the centre.
  Config start_configuration(const SearchSpace& space) const {
    if (!options_.warm_start.empty()) check_warm_start_space(options_.warm_start, space, "hpo::GradientDescent");
    if (!options_.warm_start.empty() && !options_.warm_start.initial_points().empty())
      return options_.warm_start.initial_points().front();
    if (options_.start) {
      try {
        space.validate(*options_.start);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("hpo::GradientDescent: the start configuration is invalid: ") +
                                    e.what());
      }
      return *options_.start;
    }
    return space.from_unit(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(space.size()), 0.5));
  }

  void initialize(const SearchSpace& space) {
    space_ = space;
    reals_.clear();
    for (std::size_t i = 0; i < space.size(); ++i)
      if (space[i].kind == ParameterKind::Real) reals_.push_back(i);
    if (reals_.empty())
      throw std::invalid_argument("hpo::GradientDescent: the search space has no real parameter to descend on");
    const auto d = static_cast<Eigen::Index>(reals_.size());
    const Config start = start_configuration(space);
    fixed_ = Config();
    for (const auto& p : space.parameters()) fixed_.set(p.name, start.value(p.name));  // in the space's order
    theta_.resize(d);
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto& p = space[reals_[static_cast<std::size_t>(j)]];
      theta_[j] = std::clamp(p.to_unit(fixed_.value(p.name)), 0.0, 1.0);
    }
    theta0_ = theta_;
    previous_.reset();
    rule_.reset(d);
    last_value_.reset();
    last_gradient_.resize(0);
    steps_ = 0;
    spsa_draws_ = 0;
    analytic_ = Mode::Unknown;
    consecutive_failures_ = 0;
    best_ = std::numeric_limits<double>::infinity();
    best_history_.clear();
    stop_ = GradientDescentStop::Budget;
    stop_message_.clear();
    scan_from_ = 0;
    last_consumed_.reset();
    make_batch(BatchKind::Centre);
  }

  // A coordinate still at its start value keeps the start's exact value (no round trip).
  Config config_at(const Eigen::VectorXd& u) const {
    Config config = fixed_;
    for (std::size_t j = 0; j < reals_.size(); ++j) {
      const auto k = static_cast<Eigen::Index>(j);
      const auto& p = (*space_)[reals_[j]];
      if (u[k] != theta0_[k]) config.set(p.name, p.from_unit(u[k]));
    }
    return config;
  }

  void make_batch(BatchKind kind) {
    kind_ = kind;
    batch_.clear();
    const auto add = [&](Eigen::VectorXd u) {
      Config config = config_at(u);
      batch_.push_back({std::move(u), std::move(config), std::nullopt});
    };
    if (kind == BatchKind::Centre) {
      add(theta_);
      return;
    }
    Rng rng(options_.seed, options_.gradient_estimate == GradientEstimate::SPSA ? spsa_draws_++ : spsa_draws_);
    for (auto& probe : gradient::probe_points(theta_, options_.gradient_estimate, options_.finite_difference_step, rng))
      add(std::move(probe));
  }

  double oriented(const Study& study, double value) const { return lower_is_better(value, study.direction()); }

  // Counts this batch's finished trials, in trial order, as failures or successes (throwing
  // hpo::TooManyFailures at max_consecutive_failures in a row); true when one of them failed.
  bool count_failures(const Study& study) {
    const auto& trials = study.trials();
    std::size_t last = scan_from_;
    for (const auto& point : batch_)
      if (point.trial) last = std::max(last, *point.trial + 1);
    std::vector<std::size_t> finished;
    for (const auto& point : batch_)
      if (point.trial && !trials[*point.trial].running()) finished.push_back(*point.trial);
    std::sort(finished.begin(), finished.end());
    bool failed = false;
    for (std::size_t t : finished) {
      if (trials[t].failed()) {
        failed = true;
        ++consecutive_failures_;
      } else {
        consecutive_failures_ = 0;
        best_ = std::min(best_, oriented(study, trials[t].value));
      }
      if (consecutive_failures_ >= options_.max_consecutive_failures && trials[t].failed()) {
        stop_ = GradientDescentStop::ConsecutiveFailures;
        stop_message_ = std::to_string(consecutive_failures_) + " evaluations in a row failed (the last, trial " +
                        std::to_string(t) + ", with: " + trials[t].error + ")";
        scan_from_ = last;
        last_consumed_ = {t, trials[t].config};
        throw TooManyFailures(
            "hpo::GradientDescent: " + stop_message_ +
                "; the run ends here (max_consecutive_failures = " + std::to_string(options_.max_consecutive_failures) +
                "). Every trial so far is in this exception's study()",
            study);
      }
    }
    scan_from_ = last;
    if (!finished.empty()) last_consumed_ = {finished.back(), trials[finished.back()].config};
    return failed;
  }

  // The value and gradient (unit cube, lower is better) the finished batch shows; nothing when the
  // centre's evaluation carries no gradient (the next batch then estimates one there).
  std::optional<std::pair<double, Eigen::VectorXd>> batch_gradient(const Study& study) {
    const auto& trials = study.trials();
    if (kind_ == BatchKind::Centre) {
      const Trial& trial = trials[*batch_[0].trial];
      if (trial.gradient.size() == 0) {
        if (analytic_ == Mode::Unknown) analytic_ = Mode::Estimated;
        return std::nullopt;
      }
      if (analytic_ == Mode::Unknown) analytic_ = Mode::Analytic;
      return std::pair{oriented(study, trial.value),
                       gradient::unit_gradient(*space_, reals_, trial, study.direction())};
    }
    std::vector<Eigen::VectorXd> probes;
    std::vector<double> values;
    double sum = 0.0;
    for (const auto& point : batch_) {
      probes.push_back(point.u);
      values.push_back(oriented(study, trials[*point.trial].value));
      sum += values.back();
    }
    const auto n = static_cast<double>(batch_.size());
    double mean = sum / n;
    if (std::isinf(mean)) {  // values near the largest double: their sum overflows, their mean does not
      mean = 0.0;
      for (const double v : values) mean += v / n;
    }
    return std::pair{mean, gradient::estimate_gradient(options_.gradient_estimate, probes, values)};
  }

  // Moves on from a finished batch: back off after a failure, stop by a stop rule, take back a
  // step that raised the value, or take the next step.
  void consume(const Study& study) {
    if (count_failures(study)) {
      // Step back: halfway to the previous point (or, at the start, to the centre of the cube),
      // and halve the step size from now on.
      const Eigen::VectorXd anchor =
          previous_ ? *previous_ : Eigen::VectorXd(Eigen::VectorXd::Constant(theta_.size(), 0.5));
      theta_ = anchor + 0.5 * (theta_ - anchor);
      rule_.shrink(0.5);
      make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
      return;
    }
    const auto measured = batch_gradient(study);
    if (!measured) {
      make_batch(BatchKind::Probes);  // no gradient here: estimate it at this same point
      return;
    }
    const auto& [value, gradient] = *measured;

    // A step that raised the value is taken back (its point stays in the study, not on the path).
    best_history_.push_back(best_);
    const bool rejected = options_.backtrack && last_value_ && previous_ && value > *last_value_;
    const bool spsa = kind_ == BatchKind::Probes && options_.gradient_estimate == GradientEstimate::SPSA;
    if (!rejected && !spsa)
      if (auto why = gradient::small_gradient_stop(theta_, gradient, value, options_.gradient_tolerance, steps_))
        return stop(GradientDescentStop::GradientNorm, std::move(*why));
    if (auto why = gradient::no_improvement_stop(best_history_, best_, options_.patience,
                                                 options_.min_relative_improvement, steps_))
      return stop(GradientDescentStop::NoImprovement, std::move(*why));

    if (rejected) {
      backtrack(value);
    } else {
      last_value_ = value;
      last_gradient_ = gradient;
      step(gradient, true);
    }
    make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
  }

  void stop(GradientDescentStop why, std::string message) {
    stop_ = why;
    stop_message_ = std::move(message);
  }

  // Back to the previous iterate, momentum forgotten, then a shorter step along the rejected one
  // (backtrack_fraction), or, when it was not downhill, again along the gradient, half as far.
  void backtrack(double value) {
    const Eigen::VectorXd d = theta_ - *previous_;
    const double slope = last_gradient_.dot(d), rise = value - *last_value_;
    rule_.forget_momentum();
    if (const auto t = gradient::backtrack_fraction(slope, rise)) {
      rule_.shrink(*t);
      theta_ = *previous_ + *t * d;
      ++steps_;
    } else {
      theta_ = *previous_;
      rule_.shrink(0.5);
      step(last_gradient_, false);
    }
  }

  void step(const Eigen::VectorXd& gradient, bool fresh) {
    Eigen::VectorXd next = rule_.step(theta_, previous_, gradient, fresh, steps_);
    previous_ = theta_;
    theta_ = std::move(next);
    ++steps_;
  }

  GradientDescentOptions options_;
  gradient::StepRule rule_;
  detail::StudyTracker tracker_;
  std::optional<SearchSpace> space_;
  std::vector<std::size_t> reals_;  // indices of the real parameters in the space
  Config fixed_;                    // the start configuration: holds the non-real values
  Eigen::VectorXd theta_;           // the current point: real coordinates in the unit cube
  std::optional<Eigen::VectorXd> previous_;
  Eigen::VectorXd theta0_;
  std::optional<double> last_value_;  // the value at the last accepted iterate
  Eigen::VectorXd last_gradient_;     // and its gradient (unit cube, oriented)
  std::size_t steps_ = 0;
  std::uint64_t spsa_draws_ = 0;
  Mode analytic_ = Mode::Unknown;
  std::size_t consecutive_failures_ = 0;
  double best_ = std::numeric_limits<double>::infinity();
  std::vector<double> best_history_;
  GradientDescentStop stop_ = GradientDescentStop::Budget;
  std::string stop_message_;
  BatchKind kind_ = BatchKind::Centre;
  std::vector<Point> batch_;
  std::size_t scan_from_ = 0;
  std::optional<std::pair<std::size_t, Config>> last_consumed_;
};

}  // namespace hpo
