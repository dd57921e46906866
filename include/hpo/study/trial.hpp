#pragma once
// One evaluation of the objective: its configuration, outcome and timing.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include <Eigen/Core>

#include "hpo/space/config.hpp"

namespace hpo {

/// Where a trial stands: asked and not yet told (Running), told a finite value (Completed),
/// failed (the objective threw, returned NaN or an infinity, or the user reported a failure), or
/// stopped early by a pruner (Pruned: its intermediate values are kept).
enum class TrialState { Running, Completed, Failed, Pruned };

inline const char* to_string(TrialState state) noexcept {
  switch (state) {
    case TrialState::Running:
      return "running";
    case TrialState::Completed:
      return "completed";
    case TrialState::Pruned:
      return "pruned";
    default:
      return "failed";
  }
}

/// A recorded trial. `value` is NaN unless the trial completed (a pruned trial keeps its last
/// reported value, if any); `error` says why a trial failed.
/// Usage: `for (const auto& t : study.trials()) if (t.completed()) use(t.config, t.value);`
struct Trial {
  std::size_t number = 0;
  Config config;
  TrialState state = TrialState::Running;
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string error;
  Eigen::VectorXd gradient{};                     ///< the objective's gradient, when it returned one
  double started_at = 0.0;                        ///< seconds since the Unix epoch
  double duration = 0.0;                          ///< seconds the evaluation took
  std::map<std::int64_t, double> intermediate{};  ///< values reported during the evaluation, by step
  std::string worker{};  ///< who evaluated it ("host:pid", "#k" for a thread), empty when unknown

  bool completed() const noexcept { return state == TrialState::Completed; }
  bool failed() const noexcept { return state == TrialState::Failed; }
  bool running() const noexcept { return state == TrialState::Running; }
  bool pruned() const noexcept { return state == TrialState::Pruned; }
};

}  // namespace hpo
