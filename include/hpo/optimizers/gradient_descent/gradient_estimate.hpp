#pragma once
// The gradient hpo::GradientDescent steps along: the objective's own, converted to the unit cube,
// or one estimated from probe evaluations by central differences or SPSA.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/optimizers/gradient_descent/options.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/trial.hpp"

namespace hpo::gradient {

/// x, or the largest double of its sign when x is infinite: a gradient in the unit cube can exceed
/// every double (a slope of 2 across a range of width 1e308), and only its direction and order of
/// magnitude matter to a step, which the projection onto the cube bounds anyway.
inline double saturate(double x) { return std::isinf(x) ? std::copysign(std::numeric_limits<double>::max(), x) : x; }

/// Points whose values estimate the gradient at theta (unit cube): central differences, theta
/// +- h along each coordinate (2 per coordinate, clipped to the cube), or SPSA (Spall 1992),
/// theta +- h * delta along one random +-1 direction delta drawn from `rng` (2 in all).
HPO_INLINE std::vector<Eigen::VectorXd> probe_points(const Eigen::VectorXd& theta, GradientEstimate estimate, double h,
                                                     Rng& rng);

/// The gradient estimated from the probes of probe_points() and their values (lower is better),
/// in the same order. Differences are taken in halves, which is exact and cannot overflow for
/// finite values; a quotient beyond the largest double saturates (saturate).
HPO_INLINE Eigen::VectorXd estimate_gradient(GradientEstimate estimate, const std::vector<Eigen::VectorXd>& probes,
                                             const std::vector<double>& values);

/// The objective's gradient (d value / d parameter in the user's units, one entry per real
/// parameter) as the gradient in the unit cube, lower is better: by the chain rule,
/// d/du = dx/du * d/dx, with dx/du = x * log(high / low) for a log parameter.
HPO_INLINE Eigen::VectorXd unit_gradient(const SearchSpace& space, const std::vector<std::size_t>& reals,
                                         const Trial& trial, Direction direction);

}  // namespace hpo::gradient

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/gradient_descent/impl/gradient_estimate.ipp"
#endif
