#pragma once
// The gradient hpo::GradientDescent steps along: the objective's own, converted to the unit cube,
// or one estimated from probe evaluations by central differences or SPSA.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/direction.hpp"
#include "hpo/core/random.hpp"
#include "hpo/optimizers/gradient_descent/options.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/trial.hpp"

namespace hpo::gradient {

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
/// in the same order.
inline Eigen::VectorXd estimate_gradient(GradientEstimate estimate, const std::vector<Eigen::VectorXd>& probes,
                                         const std::vector<double>& values) {
  const auto d = probes.front().size();
  Eigen::VectorXd gradient(d);
  if (estimate == GradientEstimate::CentralDifferences) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto plus = static_cast<std::size_t>(2 * j), minus = plus + 1;
      gradient[j] = (values[plus] - values[minus]) / (probes[plus][j] - probes[minus][j]);
    }
  } else {
    const double difference = values[0] - values[1];
    for (Eigen::Index j = 0; j < d; ++j) gradient[j] = difference / (probes[0][j] - probes[1][j]);
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
    const double dx_du = p.scale == Scale::Log ? x * (std::log(p.high) - std::log(p.low)) : p.high - p.low;
    g[static_cast<Eigen::Index>(j)] = trial.gradient[static_cast<Eigen::Index>(j)] * dx_du;
  }
  return direction == Direction::Minimize ? g : Eigen::VectorXd(-g);
}

}  // namespace hpo::gradient
