#pragma once
// The observations Bayesian optimization's GP conditions on once a study holds more of them than
// BayesianOptions::max_model_points: a subset of data around the incumbent plus a random sample of
// the rest, so that the cost of an ask is bounded by the subset's size and not by the study's.

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/random.hpp"

namespace hpo::bayesian {

/// The rows of a subset of `size` of the n rows of `points` (n > size > 1): the size / 2 rows
/// nearest the best row (lowest `values`, the first of equals) in the metric of the kernel's
/// length scales, sum_j ((x_j - c_j) / l_j)^2, which is the neighbourhood the trust-region steps
/// search and where the model must be sharp; then size - size / 2 rows drawn uniformly from the
/// others, which keep the model's picture of the rest of the space for the global steps. This is
/// the subset-of-data approximation (Rasmussen & Williams 2006, section 8.3.1) with the local part
/// of a trust-region GP (TuRBO, Eriksson et al., NeurIPS 2019). Rows come back ascending (the
/// study's order); the choice depends only on the inputs and on `rng`, ties broken by row.
/// `length_scales` of a size other than the points' width stands for all equal (the first fit).
/// Usage: `auto rows = hpo::bayesian::model_subset(X, y, gp.hyperparameters().length_scales, 1000, rng);`
inline std::vector<Eigen::Index> model_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
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
    by_distance[static_cast<std::size_t>(i)] = {
        (points.row(i) - centre).cwiseProduct(inverse_scale).squaredNorm(), i};
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
