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
inline std::vector<Eigen::VectorXd> probe_points(const Eigen::VectorXd& theta, GradientEstimate estimate, double h,
                                                 Rng& rng) {
  std::vector<Eigen::VectorXd> probes;
  const auto d = theta.size();
  if (estimate == GradientEstimate::CentralDifferences) {
    for (Eigen::Index j = 0; j < d; ++j) {
      Eigen::VectorXd plus = theta, minus = theta;
      plus[j] = std::min(1.0, theta[j] + h);
      minus[j] = std::max(0.0, theta[j] - h);
      probes.push_back(std::move(plus));
      probes.push_back(std::move(minus));
    }
  } else {
    Eigen::VectorXd delta(d);
    for (auto& x : delta) x = rng.uniform() < 0.5 ? -1.0 : 1.0;
    probes.push_back((theta + h * delta).cwiseMax(0.0).cwiseMin(1.0));
    probes.push_back((theta - h * delta).cwiseMax(0.0).cwiseMin(1.0));
  }
  return probes;
}

/// The gradient estimated from the probes of probe_points() and their values (lower is better),
/// in the same order. Differences are taken in halves, which is exact and cannot overflow for
/// finite values; a quotient beyond the largest double saturates (saturate).
inline Eigen::VectorXd estimate_gradient(GradientEstimate estimate, const std::vector<Eigen::VectorXd>& probes,
                                         const std::vector<double>& values) {
  const auto d = probes.front().size();
  const auto slope = [](double value_plus, double value_minus, double at_plus, double at_minus) {
    return saturate((value_plus / 2 - value_minus / 2) / (at_plus / 2 - at_minus / 2));
  };
  Eigen::VectorXd gradient(d);
  if (estimate == GradientEstimate::CentralDifferences) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto plus = static_cast<std::size_t>(2 * j), minus = plus + 1;
      gradient[j] = slope(values[plus], values[minus], probes[plus][j], probes[minus][j]);
    }
  } else {
    for (Eigen::Index j = 0; j < d; ++j) gradient[j] = slope(values[0], values[1], probes[0][j], probes[1][j]);
  }
  return gradient;
}

/// The objective's gradient (d value / d parameter in the user's units, one entry per real
/// parameter) as the gradient in the unit cube, lower is better: by the chain rule,
/// d/du = dx/du * d/dx, with dx/du = x * log(high / low) for a log parameter.
inline Eigen::VectorXd unit_gradient(const SearchSpace& space, const std::vector<std::size_t>& reals,
                                     const Trial& trial, Direction direction) {
  Eigen::VectorXd g(static_cast<Eigen::Index>(reals.size()));
  for (std::size_t j = 0; j < reals.size(); ++j) {
    const auto& p = space[reals[j]];
    const double x = trial.config.get<double>(p.name);
    const double dx_du = p.scale == Scale::Log ? saturate(x * (std::log(p.high) - std::log(p.low))) : p.high - p.low;
    g[static_cast<Eigen::Index>(j)] = saturate(trial.gradient[static_cast<Eigen::Index>(j)] * dx_du);
  }
  return direction == Direction::Minimize ? g : Eigen::VectorXd(-g);
}

}  // namespace hpo::gradient
