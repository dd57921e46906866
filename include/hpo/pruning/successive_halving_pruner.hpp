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

#include "hpo/pruning/pruner.hpp"

namespace hpo {

namespace detail {
/// Whether a trial crossing rung step `rung` with value `value` is among the best
/// max(1, floor(n / eta)) of the n trials (itself included) that reached that rung, in `peers`.
inline bool promotable(const PruningContext& context, std::int64_t rung, double value, std::int64_t eta,
                       const std::function<bool(const Trial&)>& peers) {
  std::vector<double> rung_values;
  for (const Trial& trial : context.trials)
    if (trial.number != context.number && peers(trial))
      if (const auto v = value_from(trial, rung)) rung_values.push_back(lower_is_better(*v, context.direction));
  const std::size_t n = rung_values.size() + 1;
  const std::size_t keep = std::max<std::size_t>(1, n / static_cast<std::size_t>(eta));
  const double own = lower_is_better(value, context.direction);
  // Among the best `keep` when fewer than `keep` others are strictly better.
  const auto better = std::count_if(rung_values.begin(), rung_values.end(), [&](double v) { return v < own; });
  return static_cast<std::size_t>(better) < keep;
}

/// Successive halving's decision for the asking trial: its latest report crossed the rungs
/// min_resource * eta^(rate + k) above its previous report; it is pruned at the first of them at
/// which it is not promotable among `peers`.
inline bool successive_halving_prunes(const PruningContext& context, std::int64_t min_resource, std::int64_t eta,
                                      std::int64_t rate, const std::function<bool(const Trial&)>& peers) {
  const auto& curve = context.trial().intermediate;
  const std::int64_t step = context.last_step();
  const std::int64_t previous = curve.size() > 1 ? std::prev(curve.end(), 2)->first : -1;
  std::int64_t rung = min_resource;
  for (std::int64_t k = 0; k < rate; ++k) {
    if (rung > step / eta) return false;  // the first rung of this bracket lies beyond the step
    rung *= eta;
  }
  for (;;) {
    if (rung > step) return false;
    if (rung > previous && !promotable(context, rung, context.last_value(), eta, peers)) return true;
    if (rung > std::numeric_limits<std::int64_t>::max() / eta) return false;
    rung *= eta;
  }
}

inline void validate_halving(const char* who, std::int64_t min_resource, std::int64_t reduction_factor) {
  if (min_resource <= 0)
    throw std::invalid_argument(std::string(who) + ": min_resource must be > 0, got " + std::to_string(min_resource));
  if (reduction_factor < 2)
    throw std::invalid_argument(std::string(who) + ": reduction_factor must be >= 2, got " +
                                std::to_string(reduction_factor));
}
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
  void validate() const {
    detail::validate_halving("hpo::SuccessiveHalvingPruner", min_resource, reduction_factor);
    if (min_early_stopping_rate < 0)
      throw std::invalid_argument("hpo::SuccessiveHalvingPruner: min_early_stopping_rate must be >= 0, got " +
                                  std::to_string(min_early_stopping_rate));
  }

  bool should_prune(const PruningContext& context) const {
    return detail::successive_halving_prunes(context, min_resource, reduction_factor, min_early_stopping_rate,
                                             [](const Trial&) { return true; });
  }
};

}  // namespace hpo
