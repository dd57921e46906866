#pragma once
// Cholesky factorization of a kernel matrix that adds jitter to the diagonal when plain
// factorization fails, so that duplicated points and noiseless data stay usable.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::gp::detail {

/// Attempts of escalating jitter: 1e-10 .. 1e-3 times the mean diagonal.
inline constexpr int kJitterAttempts = 8;

/// Cholesky of `matrix` (overwritten with the jittered matrix) by Eigen's LLT, escalating the
/// jitter when needed. Returns the jitter used, or nothing if even the largest one fails.
HPO_INLINE std::optional<double> cholesky_with_jitter(Eigen::MatrixXd& matrix, Eigen::LLT<Eigen::MatrixXd>& llt);

}  // namespace hpo::gp::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/gp/impl/jittered_cholesky.ipp"
#endif
