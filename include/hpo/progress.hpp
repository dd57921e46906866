#pragma once
// What hpo::optimize shows while it runs (RunOptions::progress): on a terminal, one line that
// updates in place; elsewhere (CI, a log file), one line per finished trial.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/study/study.hpp"

namespace hpo::detail {

/// Seconds as "42s", "3m07s" or "2h05m".
HPO_INLINE std::string format_duration(double seconds);

/// The progress display of one run. On a terminal it redraws one line after each finished trial
/// (trials done / budget, best so far, elapsed, estimated time left, trials running when there
/// are, trials pruned so far when there are), and prints failures as lines of their own above it
/// (not prunes: with a pruner most trials end so, and the line counts them); elsewhere it prints
/// `trial 12/50  value 0.4131  best 0.3979` (or `failed: reason`, `pruned at step 9  value 0.52`)
/// per trial, as logs want.
/// Not thread-safe: hpo::optimize calls it from its calling thread only.
/// Usage: `ProgressLine progress(stderr, is_terminal(stderr), 50); progress.trial_finished(study, trial, 0);`
class ProgressLine {
 public:
  ProgressLine(std::FILE* out, bool terminal, std::size_t budget)
      : out_(out), terminal_(terminal), budget_(budget), start_(std::chrono::steady_clock::now()) {}

  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { finish(); }

  /// Whether `stream` is a terminal (then the line updates in place).
  static bool is_terminal(std::FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

  /// Shows a trial that just finished; `running` trials are still being evaluated by this run.
  void trial_finished(const Study& study, const Trial& trial, std::size_t running);

  /// Ends the updating line (on a terminal), so that what follows starts on a line of its own.
  void finish();

 private:
  static std::string format_number(double x);

  static std::string last_step(const Trial& trial) {
    return trial.intermediate.empty() ? std::string("-") : std::to_string(trial.intermediate.rbegin()->first);
  }

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  std::size_t width() const;

  std::FILE* out_;
  bool terminal_;
  std::size_t budget_;
  std::chrono::steady_clock::time_point start_;
  std::size_t finished_here_ = 0;
  std::size_t pruned_here_ = 0;
  bool drawn_ = false;
};

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/impl/progress.ipp"
#endif
