#pragma once
// Latin hypercube sampling in consecutive blocks, with random access by index.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/random.hpp"

namespace hpo {

/// Latin hypercube sampling (McKay, Beckman, Conover, "A comparison of three methods for selecting
/// values of input variables in the analysis of output from a computer code", Technometrics 21,
/// 239-245, 1979) in [0, 1)^d, for an open-ended stream of points: each run of block_size
/// consecutive points (indices b * block_size ... (b + 1) * block_size - 1) is a Latin hypercube,
/// one point in each of the block_size equal strata of every coordinate, placed uniformly inside
/// its stratum. Block b depends only on seed and b, so points are addressable by index and a
/// resumed study draws the same points as an uninterrupted one.
/// Usage: `hpo::LatinHypercube lhs(4, seed, 16); Eigen::MatrixXd design = lhs.points(0, 16);`
class LatinHypercube {
 public:
  /// Largest block: every point costs a whole block (block_size x dimensions draws and doubles).
  static constexpr std::size_t max_block_size = std::size_t{1} << 20;

  LatinHypercube(std::size_t dimensions, std::uint64_t seed, std::size_t block_size)
      : dimensions_(dimensions), seed_(seed), block_size_(block_size) {
    if (dimensions == 0) throw std::invalid_argument("hpo::LatinHypercube: dimensions must be positive, got 0");
    if (block_size == 0 || block_size > max_block_size)
      throw std::invalid_argument("hpo::LatinHypercube: block_size must be in [1, " + std::to_string(max_block_size) +
                                  "], got " + std::to_string(block_size));
    if (dimensions > static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max()) / block_size)
      throw std::invalid_argument("hpo::LatinHypercube: a block of " + std::to_string(block_size) + " points in " +
                                  std::to_string(dimensions) + " dimensions has more entries than a matrix holds");
  }

  /// The index-th point; generating it costs a whole block (block_size x dimensions draws).
  Eigen::VectorXd point(std::uint64_t index) const {
    return block(index / block_size_).row(static_cast<Eigen::Index>(index % block_size_)).transpose();
  }

  /// Points first ... first + count - 1 as the rows of a count x dimensions() matrix, equal to
  /// point() row by row; each block touched is generated once.
  Eigen::MatrixXd points(std::uint64_t first, std::size_t count) const {
    if (count > 0 && count - 1 > std::numeric_limits<std::uint64_t>::max() - first)
      throw std::invalid_argument("hpo::LatinHypercube::points: first = " + std::to_string(first) +
                                  " plus count = " + std::to_string(count) + " passes the last index 2^64 - 1");
    if (count > static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max()) / dimensions_)
      throw std::invalid_argument("hpo::LatinHypercube::points: count = " + std::to_string(count) +
                                  " points have more entries than a matrix holds");
    Eigen::MatrixXd u(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dimensions_));
    std::size_t done = 0;
    while (done < count) {
      const std::uint64_t index = first + done;
      const std::uint64_t block_number = index / block_size_;
      const auto offset = static_cast<std::size_t>(index % block_size_);
      const std::size_t take = std::min(block_size_ - offset, count - done);
      u.middleRows(static_cast<Eigen::Index>(done), static_cast<Eigen::Index>(take)) =
          block(block_number).middleRows(static_cast<Eigen::Index>(offset), static_cast<Eigen::Index>(take));
      done += take;
    }
    return u;
  }

  std::size_t dimensions() const noexcept { return dimensions_; }
  std::size_t block_size() const noexcept { return block_size_; }

 private:
  /// One block as a block_size x dimensions matrix: per coordinate, a Fisher-Yates permutation
  /// assigns strata to points, then each point is jittered inside its stratum.
  Eigen::MatrixXd block(std::uint64_t block_number) const {
    Rng rng(seed_, block_number);
    const auto n = static_cast<double>(block_size_);
    // (k + u) / n can round up to 1 when u is just below 1; the sample space is [0, 1).
    const double below_one = 1.0 - 0x1.0p-53;
    Eigen::MatrixXd u(static_cast<Eigen::Index>(block_size_), static_cast<Eigen::Index>(dimensions_));
    std::vector<std::size_t> stratum(block_size_);
    for (Eigen::Index j = 0; j < u.cols(); ++j) {
      std::iota(stratum.begin(), stratum.end(), std::size_t{0});
      for (std::size_t i = block_size_ - 1; i > 0; --i) std::swap(stratum[i], stratum[rng.below(i + 1)]);
      for (Eigen::Index i = 0; i < u.rows(); ++i) {
        const double jittered = (static_cast<double>(stratum[static_cast<std::size_t>(i)]) + rng.uniform()) / n;
        u(i, j) = std::min(jittered, below_one);
      }
    }
    return u;
  }

  std::size_t dimensions_;
  std::uint64_t seed_;
  std::size_t block_size_;
};

}  // namespace hpo
