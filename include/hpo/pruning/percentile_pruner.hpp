#pragma once
// The percentile stopping rule: stop a trial whose best value so far is worse than a percentile of
// the completed trials' values at the same step.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/pruning/pruner.hpp"

namespace hpo {

/// Prunes a trial at step s when its best value reported so far is worse than the `percentile`-th
/// percentile (25: it must be in the best quarter) of the values that completed trials reported at
/// step s exactly. The median stopping rule of Google Vizier (Golovin et al., KDD 2017) generalized
/// to any percentile, in Optuna's form (a trial's best value so far against the others' values at
/// the step, not running averages). No decision before `warmup_steps`, nor while fewer than
/// `min_trials` completed trials reported at that step. Pruned and failed trials do not count: a
/// percentile of survivors only would tighten with every prune.
/// Usage: `.pruner = hpo::PercentilePruner{.percentile = 25.0, .warmup_steps = 5}`
struct PercentilePruner {
  /// 0..100; lower prunes more (0: anything not better than every completed trial at that step).
  double percentile = 25.0;
  /// Steps below this are never pruned (the first epochs say little about the last).
  std::int64_t warmup_steps = 0;
  /// Completed trials that reported at the step before any decision there (at least 1).
  std::size_t min_trials = 5;

  /// Throws std::invalid_argument naming the first field out of range, and its value.
  void validate() const;

  bool should_prune(const PruningContext& context) const;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/percentile_pruner.ipp"
#endif
