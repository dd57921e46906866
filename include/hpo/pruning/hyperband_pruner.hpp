#pragma once
// Hyperband as a pruner: several brackets of asynchronous successive halving.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/pruning/successive_halving_pruner.hpp"

namespace hpo {

/// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: a novel bandit-based
/// approach to hyperparameter optimization", JMLR 2018) with asynchronous successive halving in
/// each bracket, as Optuna's HyperbandPruner. With s_max = floor(log_eta(max_resource /
/// min_resource)), bracket s = 0 .. s_max is hpo::SuccessiveHalvingPruner whose first rung is at
/// min_resource * eta^(s_max - s): bracket s_max prunes from min_resource on, bracket 0 only near
/// max_resource. No rung at or past max_resource prunes: a trial there has had its whole budget,
/// so bracket 0, whose one rung is max_resource when that is min_resource * eta^s_max, runs its
/// trials in full, as the paper's least aggressive bracket does. Each trial belongs to one
/// bracket, drawn from `seed` and the trial's number alone (so every process and a resumed run
/// agree), with probability proportional to the number of configurations Hyperband starts in that
/// bracket, ceil((s_max + 1) / (s + 1) * eta^s); a trial competes only with the trials of its own
/// bracket.
/// Usage: `.pruner = hpo::HyperbandPruner{.min_resource = 1, .max_resource = 100, .reduction_factor = 3}`
struct HyperbandPruner {
  /// The most aggressive bracket's first rung (e.g. epochs), > 0.
  std::int64_t min_resource = 1;
  /// The full budget of a trial (its last step), >= min_resource.
  std::int64_t max_resource = 100;
  /// eta, >= 2.
  std::int64_t reduction_factor = 3;
  /// Draws each trial's bracket.
  std::uint64_t seed = 0;

  /// Throws std::invalid_argument naming the first field out of range, and its value.
  void validate() const;

  /// How many brackets there are: s_max + 1.
  std::int64_t brackets() const noexcept;

  /// The bracket s (0 .. brackets() - 1) of trial `number`.
  std::int64_t bracket(std::size_t number) const { return draw(number, bracket_weights()); }

  bool should_prune(const PruningContext& context) const;

 private:
  // Bracket s's share: the configurations Hyperband starts in it, ceil((s_max + 1) / (s + 1) * eta^s).
  std::vector<double> bracket_weights() const;

  std::int64_t draw(std::size_t number, const std::vector<double>& weights) const;
};

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/hyperband_pruner.ipp"
#endif
