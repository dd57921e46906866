#pragma once
// Bodies of model_subset.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/model_subset.hpp"

namespace hpo::bayesian {

HPO_INLINE std::vector<Eigen::Index> model_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                                  const Eigen::VectorXd& length_scales, std::size_t size) {
  const Eigen::Index n = points.rows();
  const auto count = static_cast<std::size_t>(n);
  std::vector<Eigen::Index> rows(count);
  std::iota(rows.begin(), rows.end(), Eigen::Index{0});
  if (size >= count) return rows;
  Eigen::Index best = 0;
  values.minCoeff(&best);
  const Eigen::RowVectorXd centre = points.row(best);
  Eigen::RowVectorXd inverse_scale = Eigen::RowVectorXd::Ones(points.cols());
  if (length_scales.size() == points.cols()) inverse_scale = length_scales.cwiseInverse().transpose();
  std::vector<std::pair<double, Eigen::Index>> by_distance(count);
  for (Eigen::Index i = 0; i < n; ++i)
    by_distance[static_cast<std::size_t>(i)] = {(points.row(i) - centre).cwiseProduct(inverse_scale).squaredNorm(), i};
  std::nth_element(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(size), by_distance.end());
  rows.resize(size);
  for (std::size_t k = 0; k < size; ++k) rows[k] = by_distance[k].second;
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace hpo::bayesian
