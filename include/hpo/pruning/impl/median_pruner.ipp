#pragma once
// Bodies of median_pruner.hpp; see core/linkage.hpp.
#include "hpo/pruning/median_pruner.hpp"

namespace hpo {

HPO_INLINE void MedianPruner::validate() const {
  if (warmup_steps < 0)
    throw std::invalid_argument("hpo::MedianPruner: warmup_steps must be >= 0, got " + std::to_string(warmup_steps));
  if (min_trials < 1) throw std::invalid_argument("hpo::MedianPruner: min_trials must be >= 1, got 0");
}

HPO_INLINE bool MedianPruner::should_prune(const PruningContext& context) const {
  return PercentilePruner{.percentile = 50.0, .warmup_steps = warmup_steps, .min_trials = min_trials}.should_prune(
      context);
}

}  // namespace hpo
