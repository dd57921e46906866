#pragma once
// Bodies of jittered_cholesky.hpp; see core/linkage.hpp.

#include "hpo/gp/jittered_cholesky.hpp"

namespace hpo::gp::detail {

HPO_INLINE std::optional<double> first_jitter(const Eigen::MatrixXd& matrix) {
  const double mean_diagonal = matrix.diagonal().mean();
  if (!std::isfinite(mean_diagonal) || !matrix.allFinite()) return std::nullopt;
  return 1e-10 * std::max(mean_diagonal, std::numeric_limits<double>::min());
}

HPO_INLINE std::optional<double> cholesky_with_jitter(Eigen::MatrixXd& matrix, Eigen::LLT<Eigen::MatrixXd>& llt) {
  const auto succeeded = [&llt] {
    // Eigen's LLT lets NaN pivots through, hence the finiteness check.
    return llt.info() == Eigen::Success && llt.matrixLLT().diagonal().allFinite();
  };
  llt.compute(matrix);
  if (succeeded()) return 0.0;
  const std::optional<double> first = first_jitter(matrix);
  if (!first) return std::nullopt;
  double jitter = *first;
  double added = 0.0;
  for (int attempt = 0; attempt < kJitterAttempts; ++attempt, jitter *= 10.0) {
    matrix.diagonal().array() += jitter - added;
    added = jitter;
    llt.compute(matrix);
    if (succeeded()) return jitter;
  }
  return std::nullopt;
}

}  // namespace hpo::gp::detail
