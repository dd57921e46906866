#pragma once
// Bodies of pruner.hpp; see core/linkage.hpp.
#include "hpo/pruning/pruner.hpp"

namespace hpo {

namespace detail {

HPO_INLINE std::optional<double> value_from(const Trial& trial, std::int64_t step) {
  const auto found = trial.intermediate.lower_bound(step);
  if (found == trial.intermediate.end()) return std::nullopt;
  return found->second;
}

HPO_INLINE double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double position = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + fraction * (values[above] - values[below]);
}

}  // namespace detail

}  // namespace hpo
