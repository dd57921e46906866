#pragma once
// What hpo::GradientDescent does with a step that raised the value: try a shorter one.

#include <algorithm>
#include <cmath>
#include <optional>

#include "hpo/core/linkage.hpp"

namespace hpo::gradient {

/// The fraction t* of a rejected step d at which to try next. Along d, the values f(prev),
/// f(prev + d) = f(prev) + rise and the slope g(prev).d fit a parabola whose minimum t* d has t*
/// in (0, 1/2) when the step was downhill; t* is safeguarded to [0.1, 0.5] (Nocedal & Wright,
/// Numerical Optimization, sec. 3.5). Nothing when the step was not downhill (slope >= 0).
/// Usage: `if (auto t = hpo::gradient::backtrack_fraction(slope, rise)) theta = prev + *t * d;`
HPO_INLINE std::optional<double> backtrack_fraction(double slope, double rise);

}  // namespace hpo::gradient

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/gradient_descent/impl/backtracking.ipp"
#endif
