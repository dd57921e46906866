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

#include "hpo/core/linkage.hpp"
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
HPO_INLINE std::vector<Eigen::Index> model_subset(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                                  const Eigen::VectorXd& length_scales, std::size_t size, Rng& rng);

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/model_subset.ipp"
#endif
