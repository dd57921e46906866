#pragma once
// Bodies of quadratic_step.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <optional>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>

#include "hpo/core/minimize_in_box.hpp"
#include "hpo/optimizers/bayesian/quadratic_step.hpp"

namespace hpo::bayesian {

HPO_INLINE std::optional<Eigen::VectorXd> quadratic_step(const Study& study, const Eigen::VectorXd& incumbent_u,
                                                         double half_width) {
  const SearchSpace& space = study.space();
  const auto d = static_cast<Eigen::Index>(space.size());
  for (std::size_t j = 0; j < space.size(); ++j)
    if (space[j].kind != ParameterKind::Real) return std::nullopt;
  const Eigen::Index coefficients = (d + 1) * (d + 2) / 2;
  const Eigen::Index wanted = coefficients + coefficients / 2;
  if (static_cast<Eigen::Index>(study.completed_count()) < wanted) return std::nullopt;

  std::vector<Eigen::VectorXd> points;
  std::vector<double> values;
  for (const auto& trial : study.trials()) {
    if (!trial.completed() || !std::isfinite(trial.value)) continue;
    points.push_back(space.to_unit(trial.config) - incumbent_u);
    values.push_back(lower_is_better(trial.value, study.direction()));
  }
  if (static_cast<Eigen::Index>(points.size()) < wanted) return std::nullopt;
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + wanted, order.end(),
                    [&](std::size_t a, std::size_t b) { return points[a].squaredNorm() < points[b].squaredNorm(); });
  order.resize(static_cast<std::size_t>(wanted));

  // Coordinates scaled by the farthest point and values by their largest deviation from the
  // incumbent's, so that the least-squares system is well conditioned however close they are.
  double radius = 0.0, spread = 0.0;
  const double incumbent_value = values[order.front()];
  for (const std::size_t i : order) {
    radius = std::max(radius, points[i].norm());
    spread = std::max(spread, std::abs(values[i] - incumbent_value));
  }
  if (!(radius > 0.0) || !(spread > 0.0)) return std::nullopt;
  // The model is trusted only where its points are: once they all lie within the trust region.
  for (const std::size_t i : order)
    if (points[i].lpNorm<Eigen::Infinity>() > half_width) return std::nullopt;

  const auto features = [d, coefficients](const Eigen::VectorXd& s) {
    Eigen::RowVectorXd row(coefficients);
    Eigen::Index c = 0;
    row[c++] = 1.0;
    for (Eigen::Index j = 0; j < d; ++j) row[c++] = s[j];
    for (Eigen::Index j = 0; j < d; ++j)
      for (Eigen::Index k = j; k < d; ++k) row[c++] = (j == k ? 0.5 : 1.0) * s[j] * s[k];
    return row;
  };
  Eigen::MatrixXd A(wanted, coefficients);
  Eigen::VectorXd b(wanted);
  for (Eigen::Index r = 0; r < wanted; ++r) {
    const std::size_t i = order[static_cast<std::size_t>(r)];
    A.row(r) = features(points[i] / radius);
    b[r] = (values[i] - incumbent_value) / spread;
  }
  const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> solver(A);
  if (solver.rank() < coefficients) return std::nullopt;
  const Eigen::VectorXd beta = solver.solve(b);
  Eigen::VectorXd gradient = beta.segment(1, d);
  Eigen::MatrixXd hessian(d, d);
  for (Eigen::Index j = 0, c = 1 + d; j < d; ++j)
    for (Eigen::Index k = j; k < d; ++k, ++c) hessian(j, k) = hessian(k, j) = beta[c];
  if (!gradient.allFinite() || !hessian.allFinite()) return std::nullopt;

  // The trust box in scaled coordinates: within half_width of the incumbent and inside the cube.
  // The model's own incumbent is the nearest point, the incumbent itself (distance 0).
  Eigen::VectorXd lower(d), upper(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    lower[j] = std::max(-half_width, -incumbent_u[j]) / radius;
    upper[j] = std::min(half_width, 1.0 - incumbent_u[j]) / radius;
  }
  const auto model = [&](const Eigen::VectorXd& s) { return gradient.dot(s) + 0.5 * s.dot(hessian * s); };
  hpo::detail::BoxSearchBest best{Eigen::VectorXd::Zero(d), 0.0};
  const Eigen::LLT<Eigen::MatrixXd> llt(hessian);
  if (llt.info() == Eigen::Success) {
    const Eigen::VectorXd newton = llt.solve(-gradient);
    if (newton.allFinite() && (newton.array() >= lower.array()).all() && (newton.array() <= upper.array()).all() &&
        model(newton) < best.value)
      best = {newton, model(newton)};
  }
  if (best.value == 0.0) {
    const hpo::detail::BoxObjective objective = [&](const Eigen::VectorXd& s, Eigen::VectorXd& g) {
      g = gradient + hessian * s;
      return model(s);
    };
    hpo::detail::BoxSearchSettings search;
    search.solver.max_iterations = 100;
    search.solver.epsilon = 1e-10;
    search.solver.max_linesearch = 30;
    hpo::detail::minimize_in_box(objective, Eigen::VectorXd::Zero(d), lower, upper, search, best);
    hpo::detail::minimize_in_box(objective, -gradient, lower, upper, search, best);
  }
  if (!(best.value < 0.0) || best.point.size() != d) return std::nullopt;
  Eigen::VectorXd u = (incumbent_u + radius * best.point).cwiseMax(0.0).cwiseMin(1.0);
  if (u == incumbent_u) return std::nullopt;
  return u;
}

}  // namespace hpo::bayesian
