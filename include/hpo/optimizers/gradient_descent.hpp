#pragma once
// Gradient descent on the real hyperparameters: Adam or plain steps, projected onto the bounds,
// with the objective's own gradient or one estimated by central differences or SPSA.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/random.hpp"
#include "hpo/objective.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// How hpo::GradientDescent turns a gradient into a step: Adam (Kingma & Ba, ICLR 2015), or plain
/// gradient descent, theta <- theta - rate * gradient.
enum class GradientMethod { Adam, Plain };

/// How hpo::GradientDescent estimates a gradient when the objective returns none: central
/// differences (2 evaluations per real parameter) or SPSA (Spall 1992: 2 evaluations whatever the
/// number of parameters, along a random +-1 direction).
enum class GradientEstimate { CentralDifferences, SPSA };

/// Why hpo::GradientDescent stopped proposing.
/// Budget: it did not stop by itself; the run's budget (max_evaluations, max_seconds) or a callback
/// ended the run. GradientNorm: the projected gradient became small. NoImprovement: the best value
/// did not improve enough over `patience` steps. ConsecutiveFailures: `max_consecutive_failures`
/// evaluations in a row failed (ask() threw hpo::TooManyFailures).
enum class GradientDescentStop { Budget, GradientNorm, NoImprovement, ConsecutiveFailures };

inline const char* to_string(GradientDescentStop stop) noexcept {
  switch (stop) {
    case GradientDescentStop::Budget: return "budget";
    case GradientDescentStop::GradientNorm: return "gradient norm";
    case GradientDescentStop::NoImprovement: return "no improvement";
    default: return "consecutive failures";
  }
}

/// Thrown by hpo::GradientDescent::ask (and so out of hpo::optimize) when too many evaluations in a
/// row failed. It carries a copy of the study, with every trial evaluated so far.
class TooManyFailures : public std::runtime_error {
 public:
  TooManyFailures(const std::string& message, Study study) : std::runtime_error(message), study_(std::move(study)) {}
  const Study& study() const noexcept { return study_; }

 private:
  Study study_;
};

/// Options of hpo::GradientDescent; designated initializers follow this order.
struct GradientDescentOptions {
  /// Seeds SPSA's random directions (the only randomness).
  std::uint64_t seed = 0;
  /// Step size in the unit cube, where every real parameter spans [0, 1] (in its logarithm for a
  /// log scale). With Adam it is about the distance each coordinate moves per step.
  double learning_rate = 0.05;
  /// Transfer from earlier studies: the search starts at their best configuration.
  WarmStart warm_start{};
  /// Where to start without a warm start (validated against the space); default: the centre of
  /// the space (the value at the middle of each parameter's unit interval).
  std::optional<Config> start{};
  GradientMethod method = GradientMethod::Adam;
  /// Step schedule: step k uses learning_rate * step_decay^floor(k / decay_every). 1 keeps it fixed.
  double step_decay = 1.0;
  std::size_t decay_every = 10;
  /// Used only when the objective returns no gradient.
  GradientEstimate gradient_estimate = GradientEstimate::CentralDifferences;
  /// Half-width of a finite difference, and SPSA's perturbation, in the unit cube.
  double finite_difference_step = 1e-3;
  /// Stop when the projected gradient's norm in the unit cube (to first order, the change in value
  /// across each parameter's whole range) is at most gradient_tolerance * max(1, |value|). Not
  /// applied to SPSA estimates, which can vanish by chance far from a minimum.
  double gradient_tolerance = 1e-6;
  /// Stop when the best value has not improved by a relative min_relative_improvement over the
  /// last `patience` steps; patience 0 never stops this way.
  std::size_t patience = 10;
  double min_relative_improvement = 1e-6;
  /// This many failed evaluations in a row end the run with hpo::TooManyFailures.
  std::size_t max_consecutive_failures = 10;
  /// Adam's moment decay rates and denominator guard.
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  /// Adam only: forget the momentum when the new gradient says the last step went past a minimum
  /// (g . step > 0), the gradient restart of O'Donoghue & Candes (2015); it damps the overshoot.
  bool restart_momentum = true;
  /// Take back a step that raised the value at the iterate: forget the momentum, and try the
  /// minimum of the parabola through the previous value, its slope along the step and the new
  /// value (between 0.1 and 0.5 of the step; the step size shrinks by the same factor). The
  /// iterates then settle instead of cycling around a minimum, and an over-long first step cannot
  /// throw a good (warm) start away. Turn off for noisy objectives.
  bool backtrack = true;
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
/// Usage: `hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.1, .warm_start = warm});`
class GradientDescent {
 public:
  explicit GradientDescent(GradientDescentOptions options = {}) : options_(std::move(options)) { check_options(); }

  const GradientDescentOptions& options() const noexcept { return options_; }
  GradientDescentStop stop_reason() const noexcept { return stop_; }
  /// Why it stopped, with the numbers ("projected gradient norm 3.2e-09 <= 1e-06 after 14 steps").
  std::string stop_message() const {
    if (stop_ == GradientDescentStop::Budget)
      return "did not stop by itself (the run's budget or a callback ended it) after " + std::to_string(steps_) + " steps";
    return stop_message_;
  }
  /// Gradient steps taken so far.
  std::size_t steps() const noexcept { return steps_; }
  /// Whether the objective returned gradients (known after the first completed evaluation).
  bool uses_objective_gradient() const noexcept { return analytic_ == Mode::Analytic; }

  /// What the warm start holds, for the study's record (Study::ask stores it); nullopt when cold.
  std::optional<nlohmann::json> transfer_report() const { return options_.warm_start.report("gradient_descent", {"initial_points"}); }

  std::optional<Config> ask(const Study& study) {
    synchronize(study);
    for (;;) {
      if (stop_ != GradientDescentStop::Budget) return std::nullopt;
      const auto& trials = study.trials();
      // Match every point of the current batch to a trial holding its configuration.
      for (auto& point : batch_) {
        if (point.trial) continue;
        for (std::size_t t = scan_from_; t < trials.size(); ++t) {
          if (claimed(t) || trials[t].config != point.config) continue;
          point.trial = t;
          break;
        }
      }
      bool any_failed = false, all_finished = true;
      for (const auto& point : batch_) {
        if (!point.trial) {
          all_finished = false;
          continue;
        }
        const Trial& trial = trials[*point.trial];
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

  void check_options() const {
    const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::GradientDescent: " + what); };
    const auto& o = options_;
    if (!(o.learning_rate > 0.0) || !std::isfinite(o.learning_rate))
      fail("learning_rate must be positive and finite, got " + std::to_string(o.learning_rate));
    if (!(o.step_decay > 0.0 && o.step_decay <= 1.0)) fail("step_decay must be in (0, 1], got " + std::to_string(o.step_decay));
    if (o.decay_every == 0) fail("decay_every must be at least 1");
    if (!(o.finite_difference_step > 0.0 && o.finite_difference_step <= 0.25))
      fail("finite_difference_step must be in (0, 0.25], got " + std::to_string(o.finite_difference_step));
    if (!(o.gradient_tolerance >= 0.0)) fail("gradient_tolerance must be >= 0, got " + std::to_string(o.gradient_tolerance));
    if (!(o.min_relative_improvement >= 0.0))
      fail("min_relative_improvement must be >= 0, got " + std::to_string(o.min_relative_improvement));
    if (o.max_consecutive_failures == 0) fail("max_consecutive_failures must be at least 1");
    if (!(o.adam_beta1 >= 0.0 && o.adam_beta1 < 1.0)) fail("adam_beta1 must be in [0, 1), got " + std::to_string(o.adam_beta1));
    if (!(o.adam_beta2 >= 0.0 && o.adam_beta2 < 1.0)) fail("adam_beta2 must be in [0, 1), got " + std::to_string(o.adam_beta2));
    if (!(o.adam_epsilon > 0.0)) fail("adam_epsilon must be positive, got " + std::to_string(o.adam_epsilon));
  }

  bool claimed(std::size_t t) const {
    for (const auto& point : batch_)
      if (point.trial == t) return true;
    return false;
  }

  // Starts over (and so replays the study from its first trial) when the study is not the one the
  // state was built from: another space, fewer trials, or a matched trial with another config.
  void synchronize(const Study& study) {
    bool fresh = !space_ || !(*space_ == study.space()) || study.trials().size() < seen_trials_;
    const auto& trials = study.trials();
    for (const auto& point : batch_)
      if (point.trial && (*point.trial >= trials.size() || trials[*point.trial].config != point.config)) fresh = true;
    if (last_consumed_ && (last_consumed_->first >= trials.size() || trials[last_consumed_->first].config != last_consumed_->second))
      fresh = true;
    if (fresh) initialize(study.space());
    seen_trials_ = trials.size();
  }

  void initialize(const SearchSpace& space) {
    space_ = space;
    reals_.clear();
    for (std::size_t i = 0; i < space.size(); ++i)
      if (space[i].kind == ParameterKind::Real) reals_.push_back(i);
    if (reals_.empty())
      throw std::invalid_argument("hpo::GradientDescent: the search space has no real parameter to descend on");
    const auto d = static_cast<Eigen::Index>(reals_.size());

    // The start: the warm start's best transferred configuration, else .start, else the centre.
    Config start = space.from_unit(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(space.size()), 0.5));
    if (!options_.warm_start.empty()) check_warm_start_space(options_.warm_start, space, "hpo::GradientDescent");
    if (!options_.warm_start.empty() && !options_.warm_start.initial_points().empty()) {
      start = options_.warm_start.initial_points().front();
    } else if (options_.start) {
      try {
        space.validate(*options_.start);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("hpo::GradientDescent: the start configuration is invalid: ") + e.what());
      }
      start = *options_.start;
    }
    fixed_ = Config();
    for (const auto& p : space.parameters()) fixed_.set(p.name, start.value(p.name));  // in the space's order
    theta_.resize(d);
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto& p = space[reals_[static_cast<std::size_t>(j)]];
      theta_[j] = std::clamp(p.to_unit(fixed_.value(p.name)), 0.0, 1.0);
    }
    theta0_ = theta_;
    previous_.reset();
    adam_m_ = Eigen::VectorXd::Zero(d);
    adam_v_ = Eigen::VectorXd::Zero(d);
    adam_t_ = 0;
    adam_momentum_t_ = 0;
    step_scale_ = 1.0;
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
    seen_trials_ = 0;
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
    const double h = options_.finite_difference_step;
    const auto d = theta_.size();
    if (options_.gradient_estimate == GradientEstimate::CentralDifferences) {
      for (Eigen::Index j = 0; j < d; ++j) {
        Eigen::VectorXd plus = theta_, minus = theta_;
        plus[j] = std::min(1.0, theta_[j] + h);
        minus[j] = std::max(0.0, theta_[j] - h);
        add(std::move(plus));
        add(std::move(minus));
      }
    } else {
      Rng rng(options_.seed, spsa_draws_++);
      Eigen::VectorXd delta(d);
      for (auto& x : delta) x = rng.uniform() < 0.5 ? -1.0 : 1.0;
      add((theta_ + h * delta).cwiseMax(0.0).cwiseMin(1.0));
      add((theta_ - h * delta).cwiseMax(0.0).cwiseMin(1.0));
    }
  }

  // The value in "lower is better" orientation.
  double oriented(const Study& study, double value) const { return study.direction() == Direction::Minimize ? value : -value; }

  // The gradient in the unit cube, oriented, from the objective's gradient in user units.
  Eigen::VectorXd unit_gradient(const Study& study, const Trial& trial) const {
    Eigen::VectorXd g(theta_.size());
    for (std::size_t j = 0; j < reals_.size(); ++j) {
      const auto& p = (*space_)[reals_[j]];
      const double x = trial.config.get<double>(p.name);
      const double dx_du = p.scale == Scale::Log ? x * (std::log(p.high) - std::log(p.low)) : p.high - p.low;
      g[static_cast<Eigen::Index>(j)] = trial.gradient[static_cast<Eigen::Index>(j)] * dx_du;
    }
    return study.direction() == Direction::Minimize ? g : Eigen::VectorXd(-g);
  }

  void consume(const Study& study) {
    const auto& trials = study.trials();
    std::size_t last = scan_from_;
    for (const auto& point : batch_)
      if (point.trial) last = std::max(last, *point.trial + 1);
    // Failures, counted in trial order among this batch's finished trials.
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
        throw TooManyFailures("hpo::GradientDescent: " + stop_message_ +
                                  "; the run ends here (max_consecutive_failures = " +
                                  std::to_string(options_.max_consecutive_failures) +
                                  "). Every trial so far is in this exception's study()",
                              study);
      }
    }
    scan_from_ = last;
    if (!finished.empty()) last_consumed_ = {finished.back(), trials[finished.back()].config};

    if (failed) {
      // Step back: halfway to the previous point (or, at the start, to the centre of the cube),
      // and halve the step size from now on.
      const Eigen::VectorXd anchor = previous_ ? *previous_ : Eigen::VectorXd(Eigen::VectorXd::Constant(theta_.size(), 0.5));
      theta_ = anchor + 0.5 * (theta_ - anchor);
      step_scale_ *= 0.5;
      make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
      return;
    }

    Eigen::VectorXd gradient;
    double value = 0.0;
    if (kind_ == BatchKind::Centre) {
      const Trial& trial = trials[*batch_[0].trial];
      value = oriented(study, trial.value);
      if (trial.gradient.size() == 0) {
        if (analytic_ == Mode::Unknown) analytic_ = Mode::Estimated;
        make_batch(BatchKind::Probes);  // no gradient here: estimate it at this same point
        return;
      }
      if (analytic_ == Mode::Unknown) analytic_ = Mode::Analytic;
      gradient = unit_gradient(study, trial);
    } else {
      gradient.resize(theta_.size());
      double sum = 0.0;
      for (const auto& point : batch_) sum += oriented(study, trials[*point.trial].value);
      value = sum / static_cast<double>(batch_.size());
      if (options_.gradient_estimate == GradientEstimate::CentralDifferences) {
        for (Eigen::Index j = 0; j < theta_.size(); ++j) {
          const auto& plus = batch_[static_cast<std::size_t>(2 * j)];
          const auto& minus = batch_[static_cast<std::size_t>(2 * j + 1)];
          gradient[j] = (oriented(study, trials[*plus.trial].value) - oriented(study, trials[*minus.trial].value)) /
                        (plus.u[j] - minus.u[j]);
        }
      } else {
        const double difference =
            oriented(study, trials[*batch_[0].trial].value) - oriented(study, trials[*batch_[1].trial].value);
        for (Eigen::Index j = 0; j < theta_.size(); ++j) gradient[j] = difference / (batch_[0].u[j] - batch_[1].u[j]);
      }
    }

    // A step that raised the value is taken back (its point stays in the study, not on the path).
    best_history_.push_back(best_);
    const bool rejected = options_.backtrack && last_value_ && previous_ && value > *last_value_;

    // Stop on a small projected gradient: the components that could move theta inside the box.
    Eigen::VectorXd projected = gradient;
    for (Eigen::Index j = 0; j < theta_.size(); ++j)
      if ((theta_[j] <= 0.0 && gradient[j] > 0.0) || (theta_[j] >= 1.0 && gradient[j] < 0.0)) projected[j] = 0.0;
    const double threshold = options_.gradient_tolerance * std::max(1.0, std::abs(value));
    const bool spsa = kind_ == BatchKind::Probes && options_.gradient_estimate == GradientEstimate::SPSA;
    if (!rejected && !spsa && projected.norm() <= threshold) {
      stop_ = GradientDescentStop::GradientNorm;
      stop_message_ = "projected gradient norm " + format(projected.norm()) + " <= " + format(threshold) + " after " +
                      std::to_string(steps_) + " steps";
      return;
    }
    // Stop when the best value has not improved enough over the last `patience` steps.
    const std::size_t window = options_.patience;
    if (window > 0 && best_history_.size() > window) {
      const double before = best_history_[best_history_.size() - 1 - window];
      if (before - best_ <= options_.min_relative_improvement * std::abs(before)) {
        stop_ = GradientDescentStop::NoImprovement;
        stop_message_ = "best value improved by a relative " +
                        format(std::abs(before) > 0 ? (before - best_) / std::abs(before) : 0.0) + " <= " +
                        format(options_.min_relative_improvement) + " over the last " + std::to_string(window) +
                        " steps, after " + std::to_string(steps_) + " steps";
        return;
      }
    }

    if (rejected) {
      // Back to the previous iterate, momentum forgotten. Along the rejected step d, the values
      // f(prev), f(prev + d) and the slope g(prev).d fit a parabola whose minimum, t* d with t* in
      // (0, 1/2), is where to try next (safeguarded to [0.1, 0.5]; Nocedal & Wright, sec. 3.5).
      const Eigen::VectorXd d = theta_ - *previous_;
      const double slope = last_gradient_.dot(d), rise = value - *last_value_;
      adam_m_.setZero();
      adam_momentum_t_ = 0;
      if (slope < 0.0) {
        const double t = std::clamp(-slope / (2.0 * (rise - slope)), 0.1, 0.5);
        step_scale_ *= t;
        theta_ = *previous_ + t * d;
        ++steps_;
      } else {  // the rejected step was not downhill: step again along the gradient, half as far
        theta_ = *previous_;
        step_scale_ *= 0.5;
        step(last_gradient_, false);
      }
    } else {
      last_value_ = value;
      last_gradient_ = gradient;
      step(gradient, true);
    }
    make_batch(analytic_ == Mode::Estimated ? BatchKind::Probes : BatchKind::Centre);
  }

  // One projected step from theta_ along `gradient`; `fresh` when it is a new gradient (a retry
  // after a backtrack reuses the last one, and leaves Adam's second moment as it was).
  void step(const Eigen::VectorXd& gradient, bool fresh) {
    const double rate = options_.learning_rate * step_scale_ *
                        std::pow(options_.step_decay, static_cast<double>(steps_ / options_.decay_every));
    Eigen::VectorXd direction = gradient;
    if (options_.method == GradientMethod::Adam) {
      const double b1 = options_.adam_beta1, b2 = options_.adam_beta2;
      if (fresh) {
        if (options_.restart_momentum && previous_ && gradient.dot(theta_ - *previous_) > 0.0) {
          adam_m_.setZero();
          adam_momentum_t_ = 0;
        }
        ++adam_t_;
        adam_v_ = b2 * adam_v_ + (1.0 - b2) * gradient.cwiseAbs2();
      }
      ++adam_momentum_t_;
      adam_m_ = b1 * adam_m_ + (1.0 - b1) * gradient;
      const double c1 = 1.0 - std::pow(b1, static_cast<double>(adam_momentum_t_));
      const double c2 = 1.0 - std::pow(b2, static_cast<double>(adam_t_));
      direction = (adam_m_ / c1).array() / ((adam_v_ / c2).array().sqrt() + options_.adam_epsilon);
    }
    previous_ = theta_;
    theta_ = (theta_ - rate * direction).cwiseMax(0.0).cwiseMin(1.0);
    ++steps_;
  }

  static std::string format(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return buffer;
  }

  GradientDescentOptions options_;
  std::optional<SearchSpace> space_;
  std::vector<std::size_t> reals_;    // indices of the real parameters in the space
  Config fixed_;                      // the start configuration: holds the non-real values
  Eigen::VectorXd theta_;             // the current point: real coordinates in the unit cube
  std::optional<Eigen::VectorXd> previous_;
  Eigen::VectorXd adam_m_, adam_v_;
  std::uint64_t adam_t_ = 0;
  std::uint64_t adam_momentum_t_ = 0;  // steps since the momentum was last restarted
  Eigen::VectorXd theta0_;
  double step_scale_ = 1.0;
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
  std::size_t seen_trials_ = 0;
  std::optional<std::pair<std::size_t, Config>> last_consumed_;
};

}  // namespace hpo
