#pragma once
// Whether a search minimizes or maximizes, and the one place where values are turned around so
// that lower is better.

namespace hpo {

/// Whether an objective is minimized (the default) or maximized.
/// Usage: `hpo::optimize(space, f, bo, {.direction = hpo::Direction::Maximize});`
enum class Direction { Minimize, Maximize };

inline const char* to_string(Direction direction) noexcept {
  return direction == Direction::Maximize ? "maximize" : "minimize";
}

/// The value oriented so that lower is better: itself when minimizing, its negation when
/// maximizing. Every optimizer models and compares values in this orientation.
/// Usage: `double loss = hpo::lower_is_better(trial.value, study.direction());`
constexpr double lower_is_better(double value, Direction direction) noexcept {
  return direction == Direction::Minimize ? value : -value;
}

}  // namespace hpo
