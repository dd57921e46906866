#pragma once
// What hpo::optimize shows while it runs (RunOptions::progress): on a terminal, one line that
// updates in place; elsewhere (CI, a log file), one line per finished trial.

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "hpo/study/study.hpp"

namespace hpo::detail {

/// Seconds as "42s", "3m07s" or "2h05m".
inline std::string format_duration(double seconds) {
  char text[32];
  const auto s = static_cast<long>(std::max(0.0, seconds) + 0.5);
  if (s < 60)
    std::snprintf(text, sizeof text, "%lds", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  return text;
}

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
  void trial_finished(const Study& study, const Trial& trial, std::size_t running) {
    ++finished_here_;
    const std::string total = budget_ ? "/" + std::to_string(budget_) : std::string();
    const std::string done = "trial " + std::to_string(study.finished_count()) + total;
    if (trial.pruned()) ++pruned_here_;
    if (!terminal_) {
      if (trial.completed())
        std::fprintf(out_, "%s  value %.6g  best %.6g\n", done.c_str(), trial.value, study.best().value);
      else if (trial.pruned())
        std::fprintf(out_, "%s  pruned at step %s  value %.6g\n", done.c_str(), last_step(trial).c_str(), trial.value);
      else
        std::fprintf(out_, "%s  %s: %s\n", done.c_str(), to_string(trial.state), trial.error.c_str());
      std::fflush(out_);
      return;
    }
    if (trial.failed())
      std::fprintf(out_, "\r\033[K%s  %s: %s\n", done.c_str(), to_string(trial.state), trial.error.c_str());
    std::string line = done;
    if (study.completed_count() > 0) line += "  best " + format_number(study.best().value);
    line += "  elapsed " + format_duration(elapsed());
    if (budget_ > study.finished_count())
      line += "  left ~" + format_duration(elapsed() / static_cast<double>(finished_here_) *
                                           static_cast<double>(budget_ - study.finished_count()));
    if (running > 0) line += "  running " + std::to_string(running);
    if (pruned_here_ > 0) line += "  pruned " + std::to_string(pruned_here_);
    line.resize(std::min(line.size(), width()));
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    std::fflush(out_);
    drawn_ = true;
  }

  /// Ends the updating line (on a terminal), so that what follows starts on a line of its own.
  void finish() {
    if (drawn_) std::fputc('\n', out_);
    drawn_ = false;
  }

 private:
  static std::string format_number(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", x);
    return text;
  }

  static std::string last_step(const Trial& trial) {
    return trial.intermediate.empty() ? std::string("-") : std::to_string(trial.intermediate.rbegin()->first);
  }

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  std::size_t width() const {
    winsize size{};
    if (::ioctl(::fileno(out_), TIOCGWINSZ, &size) == 0 && size.ws_col > 10) return size.ws_col - 1;
    return 100;
  }

  std::FILE* out_;
  bool terminal_;
  std::size_t budget_;
  std::chrono::steady_clock::time_point start_;
  std::size_t finished_here_ = 0;
  std::size_t pruned_here_ = 0;
  bool drawn_ = false;
};

}  // namespace hpo::detail
