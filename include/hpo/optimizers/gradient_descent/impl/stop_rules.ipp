#pragma once
// Bodies of stop_rules.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent/stop_rules.hpp"

namespace hpo::gradient {

HPO_INLINE std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

HPO_INLINE std::optional<std::string> small_gradient_stop(const Eigen::VectorXd& theta, const Eigen::VectorXd& gradient,
                                                          double value, double tolerance, std::size_t steps) {
  Eigen::VectorXd projected = gradient;
  for (Eigen::Index j = 0; j < theta.size(); ++j)
    if ((theta[j] <= 0.0 && gradient[j] > 0.0) || (theta[j] >= 1.0 && gradient[j] < 0.0)) projected[j] = 0.0;
  const double threshold = tolerance * std::max(1.0, std::abs(value));
  double norm = projected.norm();
  if (std::isinf(norm)) norm = projected.stableNorm();  // components near the largest double
  if (!(norm <= threshold)) return std::nullopt;
  return "projected gradient norm " + format_number(norm) + " <= " + format_number(threshold) + " after " +
         std::to_string(steps) + " steps";
}

HPO_INLINE std::optional<std::string> no_improvement_stop(const std::vector<double>& history, double best,
                                                          std::size_t patience, double min_relative_improvement,
                                                          std::size_t steps) {
  if (patience == 0 || history.size() <= patience) return std::nullopt;
  const double before = history[history.size() - 1 - patience];
  if (!(before - best <= min_relative_improvement * std::abs(before))) return std::nullopt;
  return "best value improved by a relative " +
         format_number(std::abs(before) > 0 ? (before - best) / std::abs(before) : 0.0) +
         " <= " + format_number(min_relative_improvement) + " over the last " + std::to_string(patience) +
         " steps, after " + std::to_string(steps) + " steps";
}

}  // namespace hpo::gradient
