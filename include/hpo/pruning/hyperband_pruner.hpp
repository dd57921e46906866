#pragma once
// Hyperband as a pruner: several brackets of asynchronous successive halving.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/core/random.hpp"
#include "hpo/pruning/successive_halving_pruner.hpp"

namespace hpo {

/// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: a novel bandit-based
/// approach to hyperparameter optimization", JMLR 2018) with asynchronous successive halving in
/// each bracket, as Optuna's HyperbandPruner. With s_max = floor(log_eta(max_resource /
/// min_resource)), bracket s = 0 .. s_max is hpo::SuccessiveHalvingPruner whose first rung is at
/// min_resource * eta^(s_max - s): bracket s_max prunes from min_resource on, bracket 0 only near
/// max_resource. Each trial belongs to one bracket, drawn from `seed` and the trial's number alone
/// (so every process and a resumed run agree), with probability proportional to the number of
/// configurations Hyperband starts in that bracket, ceil((s_max + 1) / (s + 1) * eta^s); a trial
/// competes only with the trials of its own bracket.
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
  void validate() const {
    detail::validate_halving("hpo::HyperbandPruner", min_resource, reduction_factor);
    if (max_resource < min_resource)
      throw std::invalid_argument("hpo::HyperbandPruner: max_resource must be >= min_resource (" +
                                  std::to_string(min_resource) + "), got " + std::to_string(max_resource));
  }

  /// How many brackets there are: s_max + 1.
  std::int64_t brackets() const noexcept {
    std::int64_t s = 0;
    for (std::int64_t r = min_resource; r <= max_resource / reduction_factor; r *= reduction_factor) ++s;
    return s + 1;
  }

  /// The bracket s (0 .. brackets() - 1) of trial `number`.
  std::int64_t bracket(std::size_t number) const { return draw(number, bracket_weights()); }

  bool should_prune(const PruningContext& context) const {
    const std::vector<double> weights = bracket_weights();
    const std::int64_t mine = draw(context.number, weights);
    const std::int64_t rate = brackets() - 1 - mine;
    return detail::successive_halving_prunes(context, min_resource, reduction_factor, rate,
                                             [&](const Trial& trial) { return draw(trial.number, weights) == mine; });
  }

 private:
  // Bracket s's share: the configurations Hyperband starts in it, ceil((s_max + 1) / (s + 1) * eta^s).
  std::vector<double> bracket_weights() const {
    const std::int64_t count = brackets();
    std::vector<double> weights;
    double power = 1.0;
    for (std::int64_t s = 0; s < count; ++s, power *= static_cast<double>(reduction_factor))
      weights.push_back(std::ceil(static_cast<double>(count) / static_cast<double>(s + 1) * power));
    return weights;
  }

  std::int64_t draw(std::size_t number, const std::vector<double>& weights) const {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = Rng(seed ^ 0x9E3779B97F4A7C15ULL, number).uniform() * total;
    for (std::size_t s = 0; s < weights.size(); ++s) {
      u -= weights[s];
      if (u < 0.0) return static_cast<std::int64_t>(s);
    }
    return static_cast<std::int64_t>(weights.size()) - 1;
  }
};

}  // namespace hpo
