#pragma once
// Bodies of cholesky_inverse.hpp; see core/linkage.hpp.

#include <Eigen/Core>

#include "hpo/gp/cholesky_inverse.hpp"

namespace hpo::gp::detail {

HPO_INLINE void invert_lower_triangular(const Eigen::MatrixXd& lower, Eigen::MatrixXd& inverse) {
  const Eigen::Index n = lower.rows();
  inverse.setZero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const Eigen::Index tail = n - j;
    auto column = inverse.col(j).tail(tail);
    column(0) = 1.0;
    lower.bottomRightCorner(tail, tail).triangularView<Eigen::Lower>().solveInPlace(column);
  }
}

HPO_INLINE void inverse_from_lower_inverse(const Eigen::MatrixXd& lower_inverse, Eigen::MatrixXd& inverse) {
  const Eigen::Index n = lower_inverse.rows();
  inverse.setZero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const Eigen::Index tail = n - j;
    inverse.col(j).tail(tail).noalias() =
        lower_inverse.bottomRightCorner(tail, tail).transpose().triangularView<Eigen::Upper>() *
        lower_inverse.col(j).tail(tail);
  }
}

}  // namespace hpo::gp::detail
