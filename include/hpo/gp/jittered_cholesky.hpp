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

/// The first jitter tried on a matrix that did not factorize: 1e-10 times its mean diagonal;
/// nothing if the matrix is not finite.
HPO_INLINE std::optional<double> first_jitter(const Eigen::MatrixXd& matrix);

/// cholesky_with_jitter in place, without the n × n copy an LLT object keeps: `matrix` ends holding the factor
/// L in its lower triangle (its strict upper triangle is left as it was). A retry needs the matrix
/// back: `refill()` writes it again, and the jitter is added in the same steps as above, so both
/// give the same factor bit for bit.
template <class Refill>
std::optional<double> cholesky_in_place_with_jitter(Eigen::MatrixXd& matrix, Refill&& refill) {
  const auto factorize = [&matrix] {
    const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(matrix);
    return llt.info() == Eigen::Success && matrix.diagonal().allFinite();
  };
  if (factorize()) return 0.0;
  refill();
  const std::optional<double> first = first_jitter(matrix);
  if (!first) return std::nullopt;
  for (int attempt = 0; attempt < kJitterAttempts; ++attempt) {
    if (attempt > 0) refill();
    double jitter = *first, added = 0.0;
    for (int step = 0; step <= attempt; ++step, jitter *= 10.0) {
      matrix.diagonal().array() += jitter - added;
      added = jitter;
    }
    if (factorize()) return added;
  }
  return std::nullopt;
}

}  // namespace hpo::gp::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/gp/impl/jittered_cholesky.ipp"
#endif
