#pragma once
// Bodies of percentile_pruner.hpp; see core/linkage.hpp.
#include "hpo/pruning/percentile_pruner.hpp"

namespace hpo {

HPO_INLINE void PercentilePruner::validate() const {
  if (!(percentile >= 0.0 && percentile <= 100.0))
    throw std::invalid_argument("hpo::PercentilePruner: percentile must be within [0, 100], got " +
                                std::to_string(percentile));
  if (warmup_steps < 0)
    throw std::invalid_argument("hpo::PercentilePruner: warmup_steps must be >= 0, got " +
                                std::to_string(warmup_steps));
  if (min_trials < 1) throw std::invalid_argument("hpo::PercentilePruner: min_trials must be >= 1, got 0");
}

HPO_INLINE bool PercentilePruner::should_prune(const PruningContext& context) const {
  const std::int64_t step = context.last_step();
  if (step < warmup_steps) return false;
  std::vector<double> others;
  for (const Trial& trial : context.trials) {
    if (!trial.completed() || trial.number == context.number) continue;
    if (const auto found = trial.intermediate.find(step); found != trial.intermediate.end())
      others.push_back(lower_is_better(found->second, context.direction));
  }
  if (others.empty() || others.size() < min_trials) return false;
  double best = lower_is_better(context.trial().intermediate.begin()->second, context.direction);
  for (const auto& [s, value] : context.trial().intermediate)
    best = std::min(best, lower_is_better(value, context.direction));
  return best > detail::percentile(std::move(others), percentile);
}

}  // namespace hpo
