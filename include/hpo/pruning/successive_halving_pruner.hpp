#pragma once
// Asynchronous successive halving (ASHA) as a pruner.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/pruning/pruner.hpp"

namespace hpo {

namespace detail {
/// Whether a trial crossing rung step `rung` with value `value` is among the best
/// max(1, floor(n / eta)) of the n trials (itself included) that reached that rung, in `peers`.
HPO_INLINE bool promotable(const PruningContext& context, std::int64_t rung, double value, std::int64_t eta,
                           const std::function<bool(const Trial&)>& peers);

/// Successive halving's decision for the asking trial: its latest report crossed the rungs
/// min_resource * eta^(rate + k) above its previous report; it is pruned at the first of them at
/// which it is not promotable among `peers`. Rungs at or past `max_resource` decide nothing: a
/// trial there has had its whole budget, and Hyperband's brackets end with it.
HPO_INLINE bool successive_halving_prunes(const PruningContext& context, std::int64_t min_resource, std::int64_t eta,
                                          std::int64_t rate, const std::function<bool(const Trial&)>& peers,
                                          std::int64_t max_resource = std::numeric_limits<std::int64_t>::max());

HPO_INLINE void validate_halving(const char* who, std::int64_t min_resource, std::int64_t reduction_factor);
}  // namespace detail

/// Asynchronous successive halving (ASHA: Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt,
/// Recht & Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020) in its
/// stopping form, as Optuna's SuccessiveHalvingPruner. Rungs sit at the steps
/// r_k = min_resource * reduction_factor^(min_early_stopping_rate + k). When a trial's report first
/// reaches a rung, its value there joins the rung and the trial goes on only if it is among the
/// best max(1, floor(n / reduction_factor)) of the n trials that reached that rung so far (itself
/// included); otherwise it is pruned. Nobody waits for a rung to fill: the first trials at a rung
/// go on (the max(1, ...) above, where the paper's scheduler would instead start a new trial and
/// promote the paused one later, which a stopped trial cannot be), later ones face the rung's
/// growing record. A trial's value at a rung is the value it reported at its first step at or
/// after the rung; the decision is taken at the rungs the latest report crossed, so call
/// should_prune() after each report. Every trial that reached a rung counts, whatever its state.
/// Usage: `.pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3}`
struct SuccessiveHalvingPruner {
  /// The first rung's step (e.g. epochs), > 0.
  std::int64_t min_resource = 1;
  /// eta: a rung keeps the best 1/eta of the trials that reach it, >= 2.
  std::int64_t reduction_factor = 3;
  /// s: the first rung is at min_resource * eta^s (Hyperband's brackets differ by it), >= 0.
  std::int64_t min_early_stopping_rate = 0;

  /// Throws std::invalid_argument naming the first field out of range, and its value.
  void validate() const;

  bool should_prune(const PruningContext& context) const;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/successive_halving_pruner.ipp"
#endif
