#pragma once
// The observations Bayesian optimization's GP conditions on once a study holds more of them than
// BayesianOptions::max_model_points: those nearest the incumbent, so that the cost of an ask is
// bounded by the subset's size and not by the study's.

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::bayesian {

/// The rows of a subset of `size` of the n rows of `points` (n > size > 1): the `size` rows nearest
/// the best row (lowest `values`, the first of equals) in the metric of the kernel's length scales,
/// sum_j ((x_j - c_j) / l_j)^2, ties broken by row. That neighbourhood is where the trust-region
/// and quadratic steps search and where the model must be sharp: a local GP on the nearest
/// observations, as TuRBO's (Eriksson et al., NeurIPS 2019), with the subset of data's bounded cost
/// (Rasmussen & Williams 2006, section 8.3.1). Far from the incumbent the GP reverts to its prior,
/// which leaves the global steps free to explore there. Rows come back ascending (the study's
/// order). `length_scales` of a size other than the points' width stands for all equal (the
/// first fit). Why all nearest and not half nearest, half random: bench/results/scale.md.
/// Usage: `auto rows = hpo::bayesian::model_subset(X, y, gp.hyperparameters().length_scales, 1000);`
HPO_INLINE std::vector<Eigen::Index> model_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                                  const Eigen::VectorXd& length_scales, std::size_t size);

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/model_subset.ipp"
#endif
