#pragma once
// The median stopping rule.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/pruning/percentile_pruner.hpp"

namespace hpo {

/// Prunes a trial at step s when its best value reported so far is worse than the median of the
/// values that completed trials reported at step s: the median stopping rule of Google Vizier
/// (Golovin et al., "Google Vizier: a service for black-box optimization", KDD 2017), in Optuna's
/// form. hpo::PercentilePruner with percentile 50 (see there for the details).
/// Usage: `.pruner = hpo::MedianPruner{.warmup_steps = 5, .min_trials = 5}`
struct MedianPruner {
  /// Steps below this are never pruned.
  std::int64_t warmup_steps = 0;
  /// Completed trials that reported at the step before any decision there (at least 1).
  std::size_t min_trials = 5;

  /// Throws std::invalid_argument naming the first field out of range, and its value.
  void validate() const;

  bool should_prune(const PruningContext& context) const;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/median_pruner.ipp"
#endif
