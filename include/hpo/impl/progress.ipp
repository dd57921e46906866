#pragma once
// Bodies of progress.hpp; see core/linkage.hpp.

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "hpo/progress.hpp"

namespace hpo::detail {

HPO_INLINE std::string format_duration(double seconds) {
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
HPO_INLINE void ProgressLine::trial_finished(const Study& study, const Trial& trial, std::size_t running) {
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

HPO_INLINE void ProgressLine::finish() {
  if (drawn_) std::fputc('\n', out_);
  drawn_ = false;
}

HPO_INLINE std::string ProgressLine::format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

HPO_INLINE std::size_t ProgressLine::width() const {
  winsize size{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &size) == 0 && size.ws_col > 10) return size.ws_col - 1;
  return 100;
}

}  // namespace hpo::detail
