#pragma once
// hpo::optimize(): the loop that asks, evaluates, records and reports.

#include <chrono>
#include <concepts>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpo/core/optimizer_concept.hpp"
#include "hpo/core/worker_pool.hpp"
#include "hpo/objective.hpp"
#include "hpo/progress.hpp"
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
/// Usage: `hpo::optimize(space, f, bo, {.max_evaluations = 100, .journal = "run.jsonl", .n_jobs = 4});`
struct RunOptions {
  /// Stop once the study holds this many finished trials (resumed ones, and those of other
  /// processes sharing the journal, count); 0 means no limit. No trial starts that could take the
  /// study past it: finished plus running trials never exceed it.
  std::size_t max_evaluations = 100;
  /// Stop starting trials after this many seconds of this run; running ones finish and are recorded.
  double max_seconds = std::numeric_limits<double>::infinity();
  Direction direction = Direction::Minimize;
  /// A journal file: each trial's start and end are appended as they happen; an existing journal
  /// of the same space is resumed from (its trials count toward max_evaluations). Several
  /// processes may run with the same journal at once (on one machine, or on several over a shared
  /// file system): they cooperate on one study, and each returns when it is done.
  std::string journal{};
  /// Called after each finished trial; any may stop the run.
  std::vector<Callback> callbacks{};
  /// One line per finished trial on stderr: `trial 12/50  value 0.4131  best 0.3979`.
  bool progress = true;
  /// Evaluations of the objective at once, on worker threads (the objective must then be
  /// thread-safe); 0 means std::thread::hardware_concurrency(), at most 1024. With 1 the objective
  /// runs on the calling thread. The optimizer asks, the study records, and callbacks and the
  /// progress line run on the calling thread, one at a time.
  std::size_t n_jobs = 1;
  /// How processes sharing the journal cooperate: heartbeats, when a silent process's trials are
  /// lost, the lock.
  JournalOptions journal_options{};
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

}  // namespace detail

namespace detail {

/// What one evaluation of the objective gave: an evaluation, or the error it threw.
struct EvaluationOutcome {
  std::size_t number = 0;
  std::optional<Evaluation> evaluation;
  std::string error;
};

template <class Space, class F>
EvaluationOutcome evaluate_trial(const Space& space, F& objective, const Trial& trial) {
  EvaluationOutcome outcome{.number = trial.number, .evaluation = std::nullopt, .error = {}};
  try {
    outcome.evaluation = evaluate(space, objective, trial.config);
  } catch (const std::exception& e) {
    outcome.error = e.what();
  } catch (...) {
    outcome.error = "the objective threw an exception not derived from std::exception";
  }
  return outcome;
}

inline std::size_t worker_count(std::size_t n_jobs) {
  if (n_jobs > 1024)
    throw std::invalid_argument("hpo::optimize: n_jobs must be at most 1024, got " + std::to_string(n_jobs));
  if (n_jobs > 0) return n_jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

inline void check_run(const SearchSpace& space, const RunOptions& options) {
  if (!(options.max_seconds > 0.0))
    throw std::invalid_argument("hpo::optimize: max_seconds must be positive, got " +
                                detail::format_value(options.max_seconds));
  if (space.empty()) throw std::invalid_argument("hpo::optimize: the search space has no parameter");
}

// Records an outcome in the study (a journal error propagates: the run cannot go on without its
// record), then shows it on `progress` (if any; `running`: trials still being evaluated) and runs
// the callbacks. Shared with hpo::mpi's coordinator.
inline Action record_outcome(Study& study, const EvaluationOutcome& outcome, const RunOptions& options,
                             ProgressLine* progress, std::size_t running) {
  const Trial& finished =
      outcome.evaluation ? study.tell(outcome.number, *outcome.evaluation) : study.fail(outcome.number, outcome.error);
  if (progress) progress->trial_finished(study, finished, running);
  Action action = Action::Continue;
  for (const auto& callback : options.callbacks)
    if (callback(study, finished) == Action::Stop) action = Action::Stop;
  return action;
}

// The study a run records into: in memory, or its journal (resumed when it holds trials).
inline Study open_run_study(const SearchSpace& space, const RunOptions& options) {
  Study study = options.journal.empty()
                    ? Study(space, options.direction)
                    : Study::open(options.journal, space, options.direction, options.journal_options);
  if (options.progress && study.finished_count() > 0)
    std::fprintf(stderr, "resuming from %zu trials in %s\n", study.finished_count(), options.journal.c_str());
  return study;
}

// The error of a run that ended with no completed trial (`before`: the trials the study held
// when the run began), or "" when one completed.
inline std::string no_completed_trial_message(const Study& study, std::size_t before, const RunOptions& options) {
  if (study.completed_count() > 0) return {};
  return study.trials().size() == before && before == 0
             ? "hpo::optimize: no trial ran (the run ended before the first: max_seconds = " +
                   detail::format_value(options.max_seconds) + ", or the optimizer proposed nothing)"
             : "hpo::optimize: no trial completed" + study.failure_summary();
}

/// The run of hpo::optimize: starts trials while there are free workers and budget, evaluates
/// them (inline with one worker, else on a WorkerPool), and records each result as it comes.
template <class Space, class F, class O>
class Run {
 public:
  Run(const Space& space, F& objective, O& optimizer, const RunOptions& options)
      : space_(space),
        objective_(objective),
        optimizer_(optimizer),
        options_(options),
        workers_(worker_count(options.n_jobs)) {
    check_run(space, options);
    if (workers_ > 1) pool_.emplace(workers_);
    if (options.progress) progress_.emplace(stderr, ProgressLine::is_terminal(stderr), options.max_evaluations);
  }

  Study execute(Study study) {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    bool stop_starting = false;
    for (;;) {
      while (!stop_starting && running_ < workers_) {
        if (elapsed() >= options_.max_seconds || budget_spent(study)) stop_starting = true;
        if (stop_starting || !start_trial(study)) break;
      }
      if (running_ == 0) {
        if (stop_starting || done(study)) break;
        wait_for_others(study);  // the budget or the optimizer waits on other processes' trials
        continue;
      }
      stop_starting |= record(study, next_outcome()) == Action::Stop;
    }
    return study;
  }

 private:
  bool budget_spent(const Study& study) const {
    return options_.max_evaluations > 0 && study.finished_count() >= options_.max_evaluations;
  }

  // Nothing to start and nothing running here: the run is over when the budget is spent, or when
  // the optimizer has nothing to propose and no trial runs anywhere.
  bool done(Study& study) {
    if (budget_spent(study)) return true;
    return last_status_ == AskStatus::NothingToAsk && study.running_count() == 0;
  }

  void wait_for_others(Study& study) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    study.sync();
  }

  // Starts one trial; false when none can start now.
  bool start_trial(Study& study) {
    std::optional<Trial> trial;
    const std::string label = workers_ > 1 ? "#" + std::to_string(next_label_++ % workers_ + 1) : std::string();
    last_status_ = study.ask_within(optimizer_, options_.max_evaluations, label, trial);
    if (last_status_ != AskStatus::Started) return false;
    ++running_;
    if (pool_) {
      pool_->submit([this, trial = std::move(*trial)] { return evaluate_trial(space_, objective_, trial); });
    } else {
      inline_outcome_ = evaluate_trial(space_, objective_, *trial);
    }
    return true;
  }

  EvaluationOutcome next_outcome() {
    --running_;
    if (pool_) return pool_->wait_one();
    return std::move(*inline_outcome_);
  }

  Action record(Study& study, const EvaluationOutcome& outcome) {
    return record_outcome(study, outcome, options_, progress_ ? &*progress_ : nullptr, running_);
  }

  const Space& space_;
  F& objective_;
  O& optimizer_;
  const RunOptions& options_;
  std::size_t workers_;
  std::optional<WorkerPool<EvaluationOutcome>> pool_;
  std::optional<EvaluationOutcome> inline_outcome_;
  std::optional<ProgressLine> progress_;
  std::size_t running_ = 0;
  std::size_t next_label_ = 0;
  AskStatus last_status_ = AskStatus::Started;
};

}  // namespace detail

/// Runs a search: asks the optimizer, evaluates the objective, records every trial, until the
/// evaluation budget, the time budget, the optimizer's end, or a callback stops it; with n_jobs,
/// several evaluations at once, and with a journal, together with other processes.
/// An objective that throws, or returns NaN or an infinity, gives a failed trial and the search
/// goes on; if no trial completed, hpo::NoTrialCompleted quotes the first failure. A journal that
/// cannot be written (a full disk) ends the run with that error; every trial it holds is recorded.
/// Usage: `hpo::Study study = hpo::optimize(space, f, random, {.max_evaluations = 50});`
template <class Space, class F, class O>
requires std::derived_from<Space, SearchSpace> &&(!std::same_as<std::remove_cvref_t<O>, RunOptions>)Study
    optimize(const Space& space, F&& objective, O&& optimizer, const RunOptions& options = {}) {
  static_assert(Optimizer<std::remove_cvref_t<O>>,
                "hpo::optimize: the optimizer must provide `std::optional<hpo::Config> ask(const hpo::Study&)` "
                "(see the hpo::Optimizer concept)");
  detail::Run<Space, std::remove_reference_t<F>, std::remove_reference_t<O>> run(space, objective, optimizer, options);
  Study study = detail::open_run_study(space, options);
  const std::size_t before = study.trials().size();
  study = run.execute(std::move(study));
  if (auto message = detail::no_completed_trial_message(study, before, options); !message.empty())
    throw NoTrialCompleted(message, std::move(study));
  return study;
}

}  // namespace hpo
