#pragma once
// Bodies of successive_halving_pruner.hpp; see core/linkage.hpp.
#include "hpo/pruning/successive_halving_pruner.hpp"

namespace hpo {

namespace detail {

HPO_INLINE bool promotable(const PruningContext& context, std::int64_t rung, double value, std::int64_t eta,
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

HPO_INLINE bool successive_halving_prunes(const PruningContext& context, std::int64_t min_resource, std::int64_t eta,
                                          std::int64_t rate, const std::function<bool(const Trial&)>& peers,
                                          std::int64_t max_resource) {
  const auto& curve = context.trial().intermediate;
  const std::int64_t step = context.last_step();
  const std::int64_t previous = curve.size() > 1 ? std::prev(curve.end(), 2)->first : -1;
  std::int64_t rung = min_resource;
  for (std::int64_t k = 0; k < rate; ++k) {
    if (rung > step / eta) return false;  // the first rung of this bracket lies beyond the step
    rung *= eta;
  }
  for (;;) {
    if (rung > step || rung >= max_resource) return false;
    if (rung > previous && !promotable(context, rung, context.last_value(), eta, peers)) return true;
    if (rung > std::numeric_limits<std::int64_t>::max() / eta) return false;
    rung *= eta;
  }
}

HPO_INLINE void validate_halving(const char* who, std::int64_t min_resource, std::int64_t reduction_factor) {
  if (min_resource <= 0)
    throw std::invalid_argument(std::string(who) + ": min_resource must be > 0, got " + std::to_string(min_resource));
  if (reduction_factor < 2)
    throw std::invalid_argument(std::string(who) + ": reduction_factor must be >= 2, got " +
                                std::to_string(reduction_factor));
}

}  // namespace detail

HPO_INLINE void SuccessiveHalvingPruner::validate() const {
  detail::validate_halving("hpo::SuccessiveHalvingPruner", min_resource, reduction_factor);
  if (min_early_stopping_rate < 0)
    throw std::invalid_argument("hpo::SuccessiveHalvingPruner: min_early_stopping_rate must be >= 0, got " +
                                std::to_string(min_early_stopping_rate));
}

HPO_INLINE bool SuccessiveHalvingPruner::should_prune(const PruningContext& context) const {
  return detail::successive_halving_prunes(context, min_resource, reduction_factor, min_early_stopping_rate,
                                           [](const Trial&) { return true; });
}

}  // namespace hpo
