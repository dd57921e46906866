#pragma once
// When hpo::GradientDescent stops by itself: a small projected gradient, or no improvement.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::gradient {

HPO_INLINE std::string format_number(double x);

/// Why to stop when the projected gradient at theta (the components that could move theta inside
/// the cube) has a norm of at most tolerance * max(1, |value|), or nothing.
HPO_INLINE std::optional<std::string> small_gradient_stop(const Eigen::VectorXd& theta, const Eigen::VectorXd& gradient,
                                                          double value, double tolerance, std::size_t steps);

/// Why to stop when the best value (lower is better; `history` holds it after each step) has not
/// improved by a relative min_relative_improvement over the last `patience` steps, or nothing;
/// patience 0 never stops.
HPO_INLINE std::optional<std::string> no_improvement_stop(const std::vector<double>& history, double best,
                                                          std::size_t patience, double min_relative_improvement,
                                                          std::size_t steps);

}  // namespace hpo::gradient

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/gradient_descent/impl/stop_rules.ipp"
#endif
