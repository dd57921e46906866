#pragma once
// Bodies of backtracking.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent/backtracking.hpp"

namespace hpo::gradient {

HPO_INLINE std::optional<double> backtrack_fraction(double slope, double rise) {
  if (!(slope < 0.0)) return std::nullopt;
  const double t = -slope / (2.0 * (rise - slope));
  // An infinite slope (a gradient near the largest double) gives inf / inf: the parabola's minimum
  // then tends to half the step.
  return std::clamp(std::isnan(t) ? 0.5 : t, 0.1, 0.5);
}

}  // namespace hpo::gradient
