#pragma once
// hpo::optimize(): the loop that asks, evaluates, records and reports.

#include <chrono>
#include <concepts>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
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
#include "hpo/pruning/pruner.hpp"
#include "hpo/pruning/reporter.hpp"
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
  /// Stops unpromising trials early: hpo::MedianPruner, hpo::PercentilePruner,
  /// hpo::SuccessiveHalvingPruner, hpo::HyperbandPruner or any hpo::Pruner. It acts on objectives
  /// taking `(const hpo::Config&, hpo::Reporter&)`, which report intermediate values and throw
  /// hpo::TrialPruned when reporter.should_prune() says so. Default: none (no trial is pruned).
  AnyPruner pruner{};
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

/// Whether the objective takes a reporter: f(const Config&, Reporter&), or f(const T&, Reporter&)
/// with a TypedSpace<T>.
template <class Space, class F>
constexpr bool takes_reporter() {
  if constexpr (std::invocable<F&, const Config&, Reporter&>) {
    return true;
  } else if constexpr (is_typed_space<Space>::value) {
    return std::invocable<F&, const typename Space::value_type&, Reporter&>;
  } else {
    return false;
  }
}

template <class R>
Evaluation checked_result(R&& result) {
  static_assert(ObjectiveResult<R>,
                "hpo::optimize: the objective must return a double (or something convertible to double) "
                "or an hpo::Evaluation");
  return to_evaluation(std::forward<R>(result));
}

/// Calls the objective in the form it takes; `reporter` is used (and not null) for the reporting forms only.
template <class Space, class F>
Evaluation evaluate(const Space& space, F& objective, const Config& config, Reporter* reporter) {
  if constexpr (std::invocable<F&, const Config&, Reporter&>) {
    return checked_result(std::invoke(objective, config, *reporter));
  } else if constexpr (std::invocable<F&, const Config&>) {
    return checked_result(std::invoke(objective, config));
  } else if constexpr (is_typed_space<Space>::value) {
    using Bound = typename Space::value_type;
    static_assert(std::invocable<F&, const Bound&> || std::invocable<F&, const Bound&, Reporter&>,
                  "hpo::optimize: the objective must be callable as f(const hpo::Config&) or, with an "
                  "hpo::TypedSpace<T>, as f(const T&) (or, to report intermediate values, with an hpo::Reporter& "
                  "as second argument)");
    if constexpr (std::invocable<F&, const Bound&, Reporter&>)
      return checked_result(std::invoke(objective, space.bind(config), *reporter));
    else
      return checked_result(std::invoke(objective, space.bind(config)));
  } else {
    static_assert(std::invocable<F&, const Config&>,
                  "hpo::optimize: the objective must be callable as f(const hpo::Config&) returning a double or "
                  "an hpo::Evaluation, or as f(const hpo::Config&, hpo::Reporter&) to report intermediate values "
                  "(to pass your own struct, describe the space with hpo::TypedSpace<YourStruct>)");
    return {};
  }
}

}  // namespace detail

namespace detail {

/// What one evaluation of the objective gave: an evaluation, the error it threw, or a prune.
struct EvaluationOutcome {
  std::size_t number = 0;
  std::optional<Evaluation> evaluation;
  std::string error;
  bool pruned = false;
};

/// Evaluates a trial; `board` (null when the objective takes no reporter, and under hpo::mpi, which
/// does not prune) receives its reports.
template <class Space, class F>
EvaluationOutcome evaluate_trial(const Space& space, F& objective, const Trial& trial,
                                 const std::shared_ptr<PruningBoard>& board = nullptr) {
  EvaluationOutcome outcome{.number = trial.number, .evaluation = std::nullopt, .error = {}, .pruned = false};
  // Closes the board's trial however the objective ends, so that a reporter kept past it refuses.
  struct Close {
    const std::shared_ptr<PruningBoard>& board;
    std::size_t number;
    ~Close() {
      if (board) board->close(number);
    }
  } close{board, trial.number};
  try {
    std::optional<Reporter> reporter;
    if (board) reporter.emplace(board, trial.number);
    outcome.evaluation = evaluate(space, objective, trial.config, reporter ? &*reporter : nullptr);
  } catch (const TrialPruned&) {
    outcome.pruned = true;
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

// A trial's end in the study: pruned, completed or failed.
inline const Trial& finish_outcome(Study& study, const EvaluationOutcome& outcome) {
  if (outcome.pruned) return study.prune(outcome.number);
  return outcome.evaluation ? study.tell(outcome.number, *outcome.evaluation)
                            : study.fail(outcome.number, outcome.error);
}

// Shows a finished trial and runs the callbacks: Stop when one of them asks to.
inline Action announce_finished(const Study& study, const Trial& finished, const RunOptions& options,
                                ProgressLine* progress, std::size_t running) {
  if (progress) progress->trial_finished(study, finished, running);
  Action action = Action::Continue;
  for (const auto& callback : options.callbacks)
    if (callback(study, finished) == Action::Stop) action = Action::Stop;
  return action;
}

// Records an outcome in the study (a journal error propagates: the run cannot go on without its
// record), then shows it on `progress` (if any; `running`: trials still being evaluated) and runs
// the callbacks. Shared with hpo::mpi's coordinator.
inline Action record_outcome(Study& study, const EvaluationOutcome& outcome, const RunOptions& options,
                             ProgressLine* progress, std::size_t running) {
  return announce_finished(study, finish_outcome(study, outcome), options, progress, running);
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
/// An objective taking a reporter reports into a PruningBoard, whose reports this thread moves into
/// the study (and so the journal): at once with one worker (the objective runs on this thread),
/// else whenever a result arrives and every kReportPoll while waiting for one.
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
    if constexpr (takes_reporter<Space, F>()) {
      board_ = std::make_shared<PruningBoard>(options.pruner, options.direction);
    } else if (options.pruner) {
      throw std::invalid_argument(
          "hpo::optimize: RunOptions::pruner is set, but the objective takes no hpo::Reporter& and so reports "
          "nothing to prune on (take one: f(const hpo::Config&, hpo::Reporter&))");
    }
    if (options.progress) progress_.emplace(stderr, ProgressLine::is_terminal(stderr), options.max_evaluations);
  }

  Study execute(Study study) {
    study_ = &study;
    if (board_) {
      board_->update_from(study);
      if (!pool_) board_->on_report([this] { flush_reports(); }, std::this_thread::get_id());
    }
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
  static constexpr std::chrono::milliseconds kReportPoll{50};

  // Moves the workers' reports into the study (a trial finished meanwhile, e.g. marked lost by
  // another process, keeps its outcome), then brings the board up to date with what the study
  // read, other processes' curves included.
  void flush_reports() {
    Study& study = *study_;
    const auto pending = board_->take_pending();
    for (const auto& report : pending)
      if (study.trial(report.number).running()) study.report(report.number, report.step, report.value);
    if (pending.empty()) study.sync();
    board_->update_from(study);
  }

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
    if (board_) board_->update_from(study);
    if (pool_) {
      pool_->submit([this, trial = std::move(*trial)] { return evaluate_trial(space_, objective_, trial, board_); });
    } else {
      inline_outcome_ = evaluate_trial(space_, objective_, *trial, board_);
    }
    return true;
  }

  EvaluationOutcome next_outcome() {
    --running_;
    if (!pool_) return std::move(*inline_outcome_);
    if (!board_) return pool_->wait_one();
    for (;;) {
      if (auto outcome = pool_->wait_one_for(kReportPoll)) return std::move(*outcome);
      flush_reports();
    }
  }

  Action record(Study& study, const EvaluationOutcome& outcome) {
    return announce_finished(study, finish(study, outcome), options_, progress_ ? &*progress_ : nullptr, running_);
  }

  // The trial's reports first, then its end: failed by a non-finite report (whatever the objective
  // did with the exception), pruned, completed or failed.
  const Trial& finish(Study& study, const EvaluationOutcome& outcome) {
    if (board_) {
      flush_reports();
      if (auto failure = board_->failure(outcome.number); !failure.empty()) return study.fail(outcome.number, failure);
    }
    return finish_outcome(study, outcome);
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
  std::shared_ptr<PruningBoard> board_;  // null when the objective takes no reporter
  Study* study_ = nullptr;               // the study execute() runs, for flush_reports()
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
