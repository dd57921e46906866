#pragma once
// hpo::Reporter, what an objective reports its intermediate values through, and the board behind
// it: the run's thread-safe copy of every trial's curve, which reporters write into and pruners
// decide from, while the study itself stays on the calling thread.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/pruning/pruner.hpp"
#include "hpo/pruning/report_rules.hpp"
#include "hpo/study/study.hpp"

namespace hpo {

namespace detail {

/// The curves of a run, shared by the calling thread and the workers under one mutex. Workers
/// report into it and ask it for pruning decisions; the calling thread moves their reports into the
/// study (and so the journal: take_pending) and brings back what the study learned, other processes'
/// curves included (update_from). Reports the calling thread has not moved yet are already here, so
/// a pruner sees this process's curves at once and other processes' as of the last read.
/// Usage (calling thread): `for (auto& r : board.take_pending()) study.report(r.number, r.step, r.value);
///                          board.update_from(study);`
class PruningBoard {
 public:
  struct Report {
    std::size_t number;
    std::int64_t step;
    double value;
  };

  PruningBoard(AnyPruner pruner, Direction direction) : pruner_(std::move(pruner)), direction_(direction) {}

  /// Brings the board up to date with the study: new trials, finished states, curves of other
  /// processes (steps the board lacks; the first value of a step stands, as everywhere).
  void update_from(const Study& study);

  /// The reports not yet handed to the study, in the order they were made.
  std::vector<Report> take_pending();

  /// Why trial `number` failed through a report (a NaN or infinite value), or "".
  std::string failure(std::size_t number) const;

  /// The objective of trial `number` returned: reports for it are errors from now on.
  void close(std::size_t number);

  /// Called on `thread` after each recorded report (hpo::optimize with one worker moves reports
  /// into the journal at once this way).
  void on_report(std::function<void()> flush, std::thread::id thread);

  /// Records a report (Study::report's rules; std::logic_error once the trial's objective returned).
  /// A NaN or infinite value fails the trial: std::invalid_argument naming it ends the objective.
  void report(std::size_t number, std::int64_t step, double value);

  /// The pruner's decision for trial `number` now; false before its first report.
  bool should_prune(std::size_t number) const;

  /// A board of one trial, for a Reporter used outside any run.
  static std::shared_ptr<PruningBoard> standalone();

  /// The curve reported for trial `number` so far.
  std::map<std::int64_t, double> curve(std::size_t number) const;

 private:
  const Trial& open_trial(std::size_t number, const char* who) const;

  mutable std::mutex mutex_;
  AnyPruner pruner_;
  Direction direction_;
  std::vector<Trial> trials_;
  std::vector<Report> pending_;
  std::map<std::size_t, std::string> failures_;
  std::set<std::size_t> closed_;
  std::function<void()> flush_;  // set before any worker starts, then only read
  std::thread::id flush_thread_;
};

}  // namespace detail

/// What an objective taking `(const hpo::Config&, hpo::Reporter&)` receives: report the value
/// reached at each step (an epoch, a boosting round, a solver iteration), and ask whether the run's
/// pruner would stop the trial here; if so, throw hpo::TrialPruned.
///   auto train = [&](const hpo::Config& c, hpo::Reporter& reporter) {
///     Model model(c);
///     for (int epoch = 1; epoch <= 100; ++epoch) {
///       model.train_one_epoch();
///       reporter.report(epoch, model.validation_loss());
///       if (reporter.should_prune()) throw hpo::TrialPruned();
///     }
///     return model.validation_loss();
///   };
/// Rules: steps are >= 0 and never decrease (std::invalid_argument naming the step); a step
/// reported again is ignored (the first value stands); a NaN or infinite value fails the trial
/// (report throws std::invalid_argument naming the value and step, which ends the objective; the
/// trial is failed even if the objective catches it); a report after the objective returned is a
/// std::logic_error. A default-constructed Reporter belongs to no run: it keeps its curve
/// (curve()) and never prunes, for calling such an objective directly (e.g. to retrain the best
/// configuration). Thread-safe; copies report to the same trial.
class Reporter {
 public:
  Reporter() : board_(detail::PruningBoard::standalone()) {}
  /// hpo::optimize makes these: a reporter of trial `number` on a run's board.
  Reporter(std::shared_ptr<detail::PruningBoard> board, std::size_t number)
      : board_(std::move(board)), number_(number) {}

  void report(std::int64_t step, double value) { board_->report(number_, step, value); }
  bool should_prune() const { return board_->should_prune(number_); }
  std::size_t trial_number() const noexcept { return number_; }
  /// What this trial reported so far, by step.
  std::map<std::int64_t, double> curve() const { return board_->curve(number_); }

 private:
  std::shared_ptr<detail::PruningBoard> board_;
  std::size_t number_ = 0;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/reporter.ipp"
#endif
