#pragma once
// Bodies of cholesky_inverse.hpp; see core/linkage.hpp.

#include <Eigen/Core>

#include "hpo/gp/cholesky_inverse.hpp"

namespace hpo::gp::detail {

/// inverse = lower⁻¹ for a block on the diagonal; `inverse` is zero on entry.
HPO_INLINE void invert_lower_triangular_block(const Eigen::Ref<const Eigen::MatrixXd>& lower, Eigen::Ref<Eigen::MatrixXd> inverse) {
  constexpr Eigen::Index kColumnByColumn = 16;
  const Eigen::Index n = lower.rows();
  if (n <= kColumnByColumn) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const Eigen::Index tail = n - j;
      auto column = inverse.col(j).tail(tail);
      column(0) = 1.0;
      lower.bottomRightCorner(tail, tail).triangularView<Eigen::Lower>().solveInPlace(column);
    }
    return;
  }
  const Eigen::Index k = n / 2;
  const Eigen::Index m = n - k;
  invert_lower_triangular_block(lower.topLeftCorner(k, k), inverse.topLeftCorner(k, k));
  invert_lower_triangular_block(lower.bottomRightCorner(m, m), inverse.bottomRightCorner(m, m));
  const Eigen::MatrixXd right = lower.bottomLeftCorner(m, k) * inverse.topLeftCorner(k, k).triangularView<Eigen::Lower>();
  inverse.bottomLeftCorner(m, k).noalias() = -(inverse.bottomRightCorner(m, m).triangularView<Eigen::Lower>() * right);
}

HPO_INLINE void invert_lower_triangular(const Eigen::Ref<const Eigen::MatrixXd>& lower, Eigen::MatrixXd& inverse) {
  const Eigen::Index n = lower.rows();
  inverse.setZero(n, n);
  invert_lower_triangular_block(lower, inverse);
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
