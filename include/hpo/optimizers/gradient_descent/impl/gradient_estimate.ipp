#pragma once
// Bodies of gradient_estimate.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent/gradient_estimate.hpp"

namespace hpo::gradient {

HPO_INLINE std::vector<Eigen::VectorXd> probe_points(const Eigen::VectorXd& theta, GradientEstimate estimate, double h,
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

HPO_INLINE Eigen::VectorXd estimate_gradient(GradientEstimate estimate, const std::vector<Eigen::VectorXd>& probes,
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

HPO_INLINE Eigen::VectorXd unit_gradient(const SearchSpace& space, const std::vector<std::size_t>& reals,
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
