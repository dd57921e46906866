#pragma once
// hpo::optimize(): the loop that asks, evaluates, records and reports.

#include <chrono>
#include <concepts>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpo/core/optimizer_concept.hpp"
#include "hpo/objective.hpp"
#include "hpo/space/typed_space.hpp"
#include "hpo/study/study.hpp"

namespace hpo {

/// What a callback tells the run: go on, or stop after this trial.
enum class Action { Continue, Stop };

/// Called after each finished trial with the study and that trial. A callable returning void
/// always continues; one returning hpo::Action can stop the run.
/// Usage: `.callbacks = {[](const hpo::Study& s, const hpo::Trial&) { return s.best().value < 0.1 ? hpo::Action::Stop :
/// hpo::Action::Continue; }}`
class Callback {
 public:
  template <class F>
  requires std::invocable<F&, const Study&, const Trial&> &&(!std::same_as<std::remove_cvref_t<F>, Callback>)
      Callback(F function) {  // NOLINT: implicit on purpose, so that lambdas go straight into RunOptions
    using Result = std::invoke_result_t<F&, const Study&, const Trial&>;
    static_assert(std::is_void_v<Result> || std::same_as<Result, Action>,
                  "hpo::Callback: a callback must return void or hpo::Action");
    if constexpr (std::is_void_v<Result>) {
      function_ = [f = std::move(function)](const Study& s, const Trial& t) mutable {
        f(s, t);
        return Action::Continue;
      };
    } else {
      function_ = std::move(function);
    }
  }
  Action operator()(const Study& study, const Trial& trial) const { return function_(study, trial); }

 private:
  std::function<Action(const Study&, const Trial&)> function_;
};

/// Options of one run of hpo::optimize(); designated initializers follow this order.
struct RunOptions {
  /// Stop once the study holds this many finished trials (resumed ones count); 0 means no limit.
  std::size_t max_evaluations = 100;
  /// Stop starting trials after this many seconds of this run.
  double max_seconds = std::numeric_limits<double>::infinity();
  Direction direction = Direction::Minimize;
  /// A journal file: each finished trial is appended and flushed; an existing journal of the same
  /// space is resumed from (its trials count toward max_evaluations).
  std::string journal{};
  /// Called after each finished trial; any may stop the run.
  std::vector<Callback> callbacks{};
  /// One line per finished trial on stderr: `trial 12/50  value 0.4131  best 0.3979`.
  bool progress = true;
};

/// Thrown when a run ends with no completed trial; the study (and its journal) keeps every failure.
class NoTrialCompleted : public std::runtime_error {
 public:
  NoTrialCompleted(const std::string& message, Study study) : std::runtime_error(message), study_(std::move(study)) {}
  const Study& study() const noexcept { return study_; }

 private:
  Study study_;
};

namespace detail {

template <class Space, class F>
Evaluation evaluate(const Space& space, F& objective, const Config& config) {
  if constexpr (std::invocable<F&, const Config&>) {
    static_assert(ObjectiveResult<std::invoke_result_t<F&, const Config&>>,
                  "hpo::optimize: the objective must return a double (or something convertible to double) "
                  "or an hpo::Evaluation");
    return to_evaluation(std::invoke(objective, config));
  } else if constexpr (is_typed_space<Space>::value) {
    using Bound = typename Space::value_type;
    static_assert(std::invocable<F&, const Bound&>,
                  "hpo::optimize: the objective must be callable as f(const hpo::Config&) or, with an "
                  "hpo::TypedSpace<T>, as f(const T&)");
    static_assert(ObjectiveResult<std::invoke_result_t<F&, const Bound&>>,
                  "hpo::optimize: the objective must return a double (or something convertible to double) "
                  "or an hpo::Evaluation");
    return to_evaluation(std::invoke(objective, space.bind(config)));
  } else {
    static_assert(std::invocable<F&, const Config&>,
                  "hpo::optimize: the objective must be callable as f(const hpo::Config&) returning a double or "
                  "an hpo::Evaluation (to pass your own struct, describe the space with hpo::TypedSpace<YourStruct>)");
    return {};
  }
}

inline void print_progress(const Study& study, const Trial& trial, std::size_t max_evaluations) {
  const std::string total = max_evaluations ? "/" + std::to_string(max_evaluations) : std::string();
  if (trial.completed()) {
    std::fprintf(stderr, "trial %zu%s  value %.6g  best %.6g\n", study.finished_count(), total.c_str(), trial.value,
                 study.best().value);
  } else {
    std::fprintf(stderr, "trial %zu%s  failed: %s\n", study.finished_count(), total.c_str(), trial.error.c_str());
  }
}

}  // namespace detail

/// Runs a search: asks the optimizer, evaluates the objective, records every trial, until the
/// evaluation budget, the time budget, the optimizer's end, or a callback stops it.
/// An objective that throws, or returns NaN or an infinity, gives a failed trial and the search
/// goes on; if no trial completed, hpo::NoTrialCompleted quotes the first failure.
/// Usage: `hpo::Study study = hpo::optimize(space, f, random, {.max_evaluations = 50});`
template <class Space, class F, class O>
requires std::derived_from<Space, SearchSpace> &&(!std::same_as<std::remove_cvref_t<O>, RunOptions>)Study
    optimize(const Space& space, F&& objective, O&& optimizer, const RunOptions& options = {}) {
  static_assert(Optimizer<std::remove_cvref_t<O>>,
                "hpo::optimize: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)` "
                "(see the hpo::Optimizer concept)");
  if (!(options.max_seconds > 0.0))
    throw std::invalid_argument("hpo::optimize: max_seconds must be positive, got " +
                                std::to_string(options.max_seconds));
  Study study = options.journal.empty() ? Study(space, options.direction)
                                        : Study::open(options.journal, space, options.direction);
  if (options.progress && study.finished_count() > 0)
    std::fprintf(stderr, "resuming from %zu trials in %s\n", study.finished_count(), options.journal.c_str());

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  while (options.max_evaluations == 0 || study.finished_count() < options.max_evaluations) {
    if (elapsed() >= options.max_seconds) break;
    auto trial = study.ask(optimizer);
    if (!trial) break;
    const Trial* finished = nullptr;
    try {
      finished = &study.tell(trial->number, detail::evaluate(space, objective, trial->config));
    } catch (const std::exception& e) {
      finished = &study.fail(trial->number, e.what());
    } catch (...) {
      finished = &study.fail(trial->number, "the objective threw an exception not derived from std::exception");
    }
    if (options.progress) detail::print_progress(study, *finished, options.max_evaluations);
    bool stop = false;
    for (const auto& callback : options.callbacks) stop |= callback(study, *finished) == Action::Stop;
    if (stop) break;
  }
  if (study.completed_count() == 0) {
    std::string message = "hpo::optimize: no trial completed" + study.failure_summary();
    throw NoTrialCompleted(message, std::move(study));
  }
  return study;
}

}  // namespace hpo
