#pragma once
// Bodies of model_subset.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/model_subset.hpp"

namespace hpo::bayesian {

HPO_INLINE std::vector<Eigen::Index> model_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                                  const Eigen::VectorXd& length_scales, std::size_t size, Rng& rng) {
  const Eigen::Index n = points.rows();
  const auto count = static_cast<std::size_t>(n);
  if (size >= count) {
    std::vector<Eigen::Index> all(count);
    std::iota(all.begin(), all.end(), Eigen::Index{0});
    return all;
  }
  Eigen::Index best = 0;
  values.minCoeff(&best);
  const Eigen::RowVectorXd centre = points.row(best);
  Eigen::RowVectorXd inverse_scale = Eigen::RowVectorXd::Ones(points.cols());
  if (length_scales.size() == points.cols()) inverse_scale = length_scales.cwiseInverse().transpose();
  std::vector<std::pair<double, Eigen::Index>> by_distance(count);
  for (Eigen::Index i = 0; i < n; ++i)
    by_distance[static_cast<std::size_t>(i)] = {(points.row(i) - centre).cwiseProduct(inverse_scale).squaredNorm(), i};
  const std::size_t near = size / 2;
  std::nth_element(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(near), by_distance.end());
  std::vector<Eigen::Index> rows;
  rows.reserve(size);
  for (std::size_t k = 0; k < near; ++k) rows.push_back(by_distance[k].second);
  // The others, in row order so that the draw does not depend on nth_element's arrangement.
  std::vector<Eigen::Index> rest;
  rest.reserve(count - near);
  for (std::size_t k = near; k < count; ++k) rest.push_back(by_distance[k].second);
  std::sort(rest.begin(), rest.end());
  for (std::size_t k = 0; k < size - near; ++k) {  // partial Fisher-Yates
    const std::size_t j = k + rng.below(rest.size() - k);
    std::swap(rest[k], rest[j]);
    rows.push_back(rest[k]);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace hpo::bayesian
