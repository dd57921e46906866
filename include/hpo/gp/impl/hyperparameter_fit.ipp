#pragma once
// Bodies of hyperparameter_fit.hpp; see core/linkage.hpp.

#include "hpo/gp/hyperparameter_fit.hpp"

namespace hpo::gp::detail {

HPO_INLINE void select_fit_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values, Eigen::Index cap,
                                  Rng& rng, Eigen::MatrixXd& fit_points, Eigen::VectorXd& fit_values) {
  const Eigen::Index n = points.rows();
  if (!(cap > 0 && n > cap)) {
    fit_points = points;
    fit_values = values;
    return;
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  for (Eigen::Index i = 0; i < cap; ++i) {
    const auto j = i + static_cast<Eigen::Index>(rng.below(static_cast<std::size_t>(n - i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  std::sort(order.begin(), order.begin() + cap);
  fit_points.resize(cap, points.cols());
  fit_values.resize(cap);
  for (Eigen::Index i = 0; i < cap; ++i) {
    fit_points.row(i) = points.row(order[static_cast<std::size_t>(i)]);
    fit_values(i) = values(order[static_cast<std::size_t>(i)]);
  }
}

}  // namespace hpo::gp::detail
