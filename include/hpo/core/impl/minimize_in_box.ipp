#pragma once
// Body of minimize_in_box.hpp (see core/linkage.hpp for why it lives apart).

#include <LBFGSB.h>

#include "hpo/core/minimize_in_box.hpp"

namespace hpo::detail {

HPO_INLINE void minimize_in_box(const BoxObjective& objective, Eigen::VectorXd start, const Eigen::VectorXd& lower,
                                const Eigen::VectorXd& upper, const BoxSearchSettings& settings, BoxSearchBest& best) {
  start = start.cwiseMax(lower).cwiseMin(upper);
  int evaluations = 0;
  auto tracked = [&](const Eigen::VectorXd& x, Eigen::VectorXd& gradient) -> double {
    if (settings.max_evaluations > 0 && ++evaluations > settings.max_evaluations) throw StopBoxSearch{};
    const double value = objective(x, gradient);
    if (!std::isfinite(value) || !gradient.allFinite()) throw StopBoxSearch{};
    if (value < best.value) {
      best.value = value;
      best.point = x;
    }
    return value;
  };
  LBFGSpp::LBFGSBSolver<double> solver(settings.solver);
  double final_value = 0.0;
  try {
    solver.minimize(tracked, start, final_value, lower, upper);
  } catch (const StopBoxSearch&) {
  } catch (const std::runtime_error&) {
  } catch (const std::logic_error&) {
  }
}

}  // namespace hpo::detail
