#pragma once
// The coordinating rank's loop: asks the optimizer for every free evaluation slot (a worker
// rank's, or one of its own threads'), sends each trial out, and records each outcome as it comes
// back, so that a worker that finishes gets its next trial at once.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hpo/core/worker_pool.hpp"
#include "hpo/mpi/channel.hpp"
#include "hpo/mpi/message.hpp"
#include "hpo/optimize.hpp"
#include "hpo/progress.hpp"

namespace hpo::mpi::detail {

using hpo::detail::AskStatus;
using hpo::detail::EvaluationOutcome;

/// Where the coordinating rank's time went: asking (the optimizer's proposal and the trial's start
/// record), the rest of its work (messages, recording, progress, callbacks), and the whole run.
struct CoordinatorTimes {
  double asking = 0.0;
  double other = 0.0;
  double total = 0.0;
};

/// The run on the coordinating rank. Slots: n_jobs per worker rank, plus n_jobs threads of its
/// own when it evaluates too. Not thread-safe: the calling thread does all MPI calls, asks, records
/// and callbacks; its own evaluations run on the pool's threads.
template <class Space, class F, class O>
class Coordinator {
 public:
  /// `jobs`: each rank's evaluation threads (its n_jobs), by rank.
  Coordinator(const Space& space, F& objective, O& optimizer, const RunOptions& options,
              const std::vector<std::size_t>& jobs, bool evaluates, Channel& channel)
      : space_(space), objective_(objective), optimizer_(optimizer), options_(options), channel_(channel) {
    for (int rank = 1; rank < channel.size(); ++rank) add_slots(rank, jobs[static_cast<std::size_t>(rank)]);
    if (evaluates) {
      add_slots(0, jobs[0]);
      pool_.emplace(jobs[0]);
    }
    if (options.progress)
      progress_.emplace(stderr, hpo::detail::ProgressLine::is_terminal(stderr), options.max_evaluations);
  }

  Study execute(Study study) {
    const auto start = Clock::now();
    bool stop_starting = false;
    for (;;) {
      for (auto& slot : slots_) {
        if (slot.trial) continue;
        if (seconds_since(start) >= options_.max_seconds || budget_spent(study)) stop_starting = true;
        if (stop_starting || !start_trial(study, slot)) break;
      }
      if (running_ == 0) {
        if (stop_starting || done(study)) break;
        wait_for_others(study);  // the budget or the optimizer waits on other processes' trials
        continue;
      }
      const EvaluationOutcome outcome = next_outcome();
      const auto recording = Clock::now();
      stop_starting |= hpo::detail::record_outcome(study, outcome, options_, progress_ ? &*progress_ : nullptr,
                                                   running_) == Action::Stop;
      ++recorded_;
      times_.other += seconds_since(recording);
    }
    times_.total = seconds_since(start);
    if (progress_) progress_->finish();  // the summary line starts on a line of its own
    return study;
  }

  /// Ends every worker rank's loop: waits for the outcomes still out (after an error; they are
  /// dropped), then sends each the stop message. Must run after execute(), however it ended.
  void stop_workers() {
    for (auto& slot : slots_)
      if (slot.trial && slot.rank != 0) {
        channel_.receive(MPI_ANY_SOURCE, kOutcomeTag);
        slot.trial.reset();
      }
    for (int rank = 1; rank < channel_.size(); ++rank) channel_.send(rank, kStopTag, {});
  }

  /// One line on stderr: the trials of this run, the evaluators, and the coordinator's time per
  /// trial (what tells whether it keeps up with its workers).
  void print_summary() const {
    const double per_trial = recorded_ ? 1000.0 / static_cast<double>(recorded_) : 0.0;
    std::fprintf(stderr,
                 "hpo::mpi: %zu trials on %d ranks (%zu evaluators) in %.2f s; coordinator busy %.1f ms per trial "
                 "(asking %.1f ms, messages and records %.1f ms)\n",
                 recorded_, channel_.size(), slots_.size(), times_.total, (times_.asking + times_.other) * per_trial,
                 times_.asking * per_trial, times_.other * per_trial);
  }

  const CoordinatorTimes& times() const noexcept { return times_; }

 private:
  using Clock = std::chrono::steady_clock;

  struct Slot {
    int rank;
    std::string label;
    std::optional<std::size_t> trial;  // the trial it evaluates, if any
  };

  void add_slots(int rank, std::size_t jobs) {
    for (std::size_t k = 0; k < jobs; ++k) slots_.push_back({rank, label(rank, k, jobs), std::nullopt});
  }

  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  // "#rank3" names the rank that evaluated a trial (after "host:pid" of the coordinator, which
  // writes the journal); with n_jobs > 1, "#rank3.2" its second thread.
  static std::string label(int rank, std::size_t k, std::size_t jobs) {
    return "#rank" + std::to_string(rank) + (jobs > 1 ? "." + std::to_string(k + 1) : std::string());
  }

  bool budget_spent(const Study& study) const {
    return options_.max_evaluations > 0 && study.finished_count() >= options_.max_evaluations;
  }

  // As in hpo::optimize: over when the budget is spent, or when the optimizer has nothing to
  // propose and no trial runs anywhere.
  bool done(Study& study) const {
    if (budget_spent(study)) return true;
    return last_status_ == AskStatus::NothingToAsk && study.running_count() == 0;
  }

  void wait_for_others(Study& study) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    study.sync();
  }

  // Starts a trial on a free slot; false when none can start now.
  bool start_trial(Study& study, Slot& slot) {
    const auto asking = Clock::now();
    std::optional<Trial> trial;
    last_status_ = study.ask_within(optimizer_, options_.max_evaluations, slot.label, trial);
    times_.asking += seconds_since(asking);
    if (last_status_ != AskStatus::Started) return false;
    const auto sending = Clock::now();
    slot.trial = trial->number;
    ++running_;
    if (slot.rank == 0) {
      pool_->submit([this, trial = std::move(*trial)] {
        EvaluationOutcome outcome = hpo::detail::evaluate_trial(space_, objective_, trial);
        local_finished_.fetch_add(1, std::memory_order_release);
        return outcome;
      });
    } else {
      channel_.send(slot.rank, kTrialTag, encode_trial(trial->number, trial->config, space_, channel_.comm()));
    }
    times_.other += seconds_since(sending);
    return true;
  }

  // The next outcome, from a worker rank or from this rank's own threads, whichever comes first.
  EvaluationOutcome next_outcome() {
    Backoff backoff;
    for (;;) {
      if (local_finished_.load(std::memory_order_acquire) > local_taken_) {
        ++local_taken_;
        return free_slot(pool_->wait_one(), 0);  // wait_one returns as soon as the pool has queued it
      }
      if (auto message = channel_.try_receive(MPI_ANY_SOURCE, kOutcomeTag))
        return free_slot(decode_outcome(message->bytes, channel_.comm()), message->source);
      backoff.pause();
    }
  }

  EvaluationOutcome free_slot(EvaluationOutcome outcome, int rank) {
    for (auto& slot : slots_) {
      if (slot.rank != rank || slot.trial != outcome.number) continue;
      slot.trial.reset();
      --running_;
      return outcome;
    }
    throw std::runtime_error("hpo::mpi: rank " + std::to_string(rank) + " sent the outcome of trial " +
                             std::to_string(outcome.number) + ", which it was not evaluating");
  }

  const Space& space_;
  F& objective_;
  O& optimizer_;
  const RunOptions& options_;
  Channel& channel_;
  std::vector<Slot> slots_;
  std::atomic<std::size_t> local_finished_{0};
  std::size_t local_taken_ = 0;
  std::size_t running_ = 0;
  std::size_t recorded_ = 0;
  AskStatus last_status_ = AskStatus::Started;
  CoordinatorTimes times_;
  std::optional<hpo::detail::ProgressLine> progress_;
  std::optional<hpo::detail::WorkerPool<EvaluationOutcome>> pool_;  // last: joined before what its tasks use
};

}  // namespace hpo::mpi::detail
