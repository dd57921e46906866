#pragma once
// Bodies of hyperband_pruner.hpp; see core/linkage.hpp.
#include "hpo/pruning/hyperband_pruner.hpp"

namespace hpo {

HPO_INLINE void HyperbandPruner::validate() const {
  detail::validate_halving("hpo::HyperbandPruner", min_resource, reduction_factor);
  if (max_resource < min_resource)
    throw std::invalid_argument("hpo::HyperbandPruner: max_resource must be >= min_resource (" +
                                std::to_string(min_resource) + "), got " + std::to_string(max_resource));
}

HPO_INLINE std::int64_t HyperbandPruner::brackets() const noexcept {
  std::int64_t s = 0;
  for (std::int64_t r = min_resource; r <= max_resource / reduction_factor; r *= reduction_factor) ++s;
  return s + 1;
}

HPO_INLINE bool HyperbandPruner::should_prune(const PruningContext& context) const {
  const std::vector<double> weights = bracket_weights();
  const std::int64_t mine = draw(context.number, weights);
  const std::int64_t rate = brackets() - 1 - mine;
  return detail::successive_halving_prunes(context, min_resource, reduction_factor, rate,
                                           [&](const Trial& trial) { return draw(trial.number, weights) == mine; },
                                           max_resource);
}

HPO_INLINE std::vector<double> HyperbandPruner::bracket_weights() const {
  const std::int64_t count = brackets();
  std::vector<double> weights;
  double power = 1.0;
  for (std::int64_t s = 0; s < count; ++s, power *= static_cast<double>(reduction_factor))
    weights.push_back(std::ceil(static_cast<double>(count) / static_cast<double>(s + 1) * power));
  return weights;
}

HPO_INLINE std::int64_t HyperbandPruner::draw(std::size_t number, const std::vector<double>& weights) const {
  double total = 0.0;
  for (double w : weights) total += w;
  double u = Rng(seed ^ 0x9E3779B97F4A7C15ULL, number).uniform() * total;
  for (std::size_t s = 0; s < weights.size(); ++s) {
    u -= weights[s];
    if (u < 0.0) return static_cast<std::int64_t>(s);
  }
  return static_cast<std::int64_t>(weights.size()) - 1;
}

}  // namespace hpo
