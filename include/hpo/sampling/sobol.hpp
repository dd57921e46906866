#pragma once
// Sobol low-discrepancy sequence, optionally scrambled, with random access by index.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/random.hpp"
#include "hpo/sampling/sobol_directions.hpp"

namespace hpo {

/// Sobol sequence in [0, 1)^d (I. M. Sobol, "On the distribution of points in a cube and the
/// approximate evaluation of integrals", USSR Comput. Math. Math. Phys. 7(4), 86-112, 1967) with
/// the direction numbers of Joe & Kuo (SIAM J. Sci. Comput. 30, 2635-2654, 2008), in Gray-code
/// order as scipy.stats.qmc.Sobol, whose unscrambled output it reproduces.
///
/// Scrambling, as scipy does it, is a random linear matrix scramble (Matousek, "On the L2-discrepancy
/// for anchored boxes", J. Complexity 14, 527-556, 1998) followed by a random digital shift; like
/// Owen's nested scrambling (Owen, "Scrambling Sobol' and Niederreiter-Xing points", J. Complexity
/// 14, 466-489, 1998) it removes the points' alignment on the cube's faces (the first unscrambled
/// point is the origin) while keeping the (t, m, s)-net structure.
///
/// Points are addressed by index, so a resumed study draws the same points as an uninterrupted one;
/// the balance properties hold for the first 2^k points, so prefer powers of two. At most 1111
/// dimensions (max_dimensions, the rows of the Joe-Kuo table); check_sobol_dimensions() names the
/// limit for a search space that exceeds it.
/// Usage: `hpo::Sobol sobol(3, seed); Eigen::MatrixXd design = sobol.points(0, 64);`
class Sobol {
 public:
  /// Largest supported number of dimensions: the size of the direction-number table.
  static constexpr std::size_t max_dimensions = detail::kSobolPolynomials.size();

  /// The scramble of coordinate j depends only on seed and j, so a d-dimensional sequence is the
  /// first d coordinates of any longer one with the same seed.
  Sobol(std::size_t dimensions, std::uint64_t seed, bool scramble = true) {
    if (dimensions == 0 || dimensions > max_dimensions)
      throw std::invalid_argument("hpo::Sobol: dimensions must be in [1, " + std::to_string(max_dimensions) +
                                  "] (the rows of the Joe-Kuo direction table), got " + std::to_string(dimensions));
    directions_.resize(dimensions);
    shifts_.assign(dimensions, 0);
    for (std::size_t j = 0; j < dimensions; ++j) {
      directions_[j] = direction_numbers(detail::kSobolPolynomials[j]);
      if (scramble) {
        Rng rng(seed, j);
        directions_[j] = scrambled(directions_[j], rng);
        shifts_[j] = rng.next();
      }
    }
  }

  /// The index-th point (index 0 first); every 64-bit index is valid.
  Eigen::VectorXd point(std::uint64_t index) const {
    const std::uint64_t gray = index ^ (index >> 1);
    Eigen::VectorXd u(static_cast<Eigen::Index>(dimensions()));
    for (std::size_t j = 0; j < dimensions(); ++j) u(static_cast<Eigen::Index>(j)) = to_unit(digits(j, gray));
    return u;
  }

  /// Points first, first + 1, ..., first + count - 1 as the rows of a count x dimensions() matrix;
  /// equal to point() row by row, but one XOR per coordinate per point.
  Eigen::MatrixXd points(std::uint64_t first, std::size_t count) const {
    if (count > 0 && count - 1 > std::numeric_limits<std::uint64_t>::max() - first)
      throw std::invalid_argument("hpo::Sobol::points: first = " + std::to_string(first) +
                                  " plus count = " + std::to_string(count) + " passes the last index 2^64 - 1");
    if (count > static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max()) / dimensions())
      throw std::invalid_argument("hpo::Sobol::points: count = " + std::to_string(count) +
                                  " points have more entries than a matrix holds");
    Eigen::MatrixXd u(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dimensions()));
    if (count == 0) return u;
    const std::uint64_t first_gray = first ^ (first >> 1);
    // Column by column: Eigen stores columns contiguously.
    for (std::size_t j = 0; j < dimensions(); ++j) {
      const auto column = static_cast<Eigen::Index>(j);
      std::uint64_t x = digits(j, first_gray);
      u(0, column) = to_unit(x);
      std::uint64_t index = first;
      for (Eigen::Index row = 1; row < u.rows(); ++row) {
        ++index;
        // Consecutive Gray codes differ in the bit where index's lowest set bit is.
        x ^= directions_[j][static_cast<std::size_t>(std::countr_zero(index))];
        u(row, column) = to_unit(x);
      }
    }
    return u;
  }

  std::size_t dimensions() const noexcept { return directions_.size(); }

 private:
  static constexpr std::size_t kBits = 64;
  using Directions = std::array<std::uint64_t, kBits>;

  /// Direction numbers v_k = m_k / 2^k as 64-bit binary fractions, m_k from the polynomial's
  /// recurrence (Bratley & Fox, ACM TOMS 14, 88-100, 1988).
  static Directions direction_numbers(const detail::SobolPolynomial& polynomial) {
    const std::size_t degree = polynomial.degree;
    std::array<std::uint64_t, kBits> m{};
    for (std::size_t k = 0; k < kBits; ++k) {
      if (degree == 0) {
        m[k] = 1;  // the van der Corput dimension
      } else if (k < degree) {
        m[k] = polynomial.initial[k];
      } else {
        m[k] = m[k - degree] ^ (m[k - degree] << degree);
        for (std::size_t i = 1; i < degree; ++i)
          if ((polynomial.coefficients >> (degree - 1 - i)) & 1U) m[k] ^= m[k - i] << i;
      }
    }
    Directions v{};
    for (std::size_t k = 0; k < kBits; ++k) v[k] = m[k] << (kBits - 1 - k);
    return v;
  }

  /// Multiplies every direction number by a random lower-triangular binary matrix with unit
  /// diagonal: output digit i mixes only input digits 1..i, so each elementary interval of the net
  /// maps onto one of the same size and the net property survives.
  static Directions scrambled(const Directions& v, Rng& rng) {
    Directions rows{};  // rows[b]: input digits that feed output bit b (b = 63 is the leading digit)
    for (std::size_t b = 0; b < kBits; ++b) {
      const std::uint64_t own = std::uint64_t{1} << b;
      const std::uint64_t more_significant = ~(own | (own - 1));
      rows[b] = (rng.next() & more_significant) | own;
    }
    Directions result{};
    for (std::size_t k = 0; k < kBits; ++k)
      for (std::size_t b = 0; b < kBits; ++b)
        result[k] |= static_cast<std::uint64_t>(std::popcount(v[k] & rows[b]) & 1) << b;
    return result;
  }

  std::uint64_t digits(std::size_t dimension, std::uint64_t gray) const noexcept {
    std::uint64_t x = shifts_[dimension];
    for (std::size_t k = 0; gray != 0; ++k, gray >>= 1)
      if (gray & 1U) x ^= directions_[dimension][k];
    return x;
  }

  /// The leading 53 bits: exact in a double and strictly below 1.
  static double to_unit(std::uint64_t x) noexcept { return static_cast<double>(x >> 11) * 0x1.0p-53; }

  std::vector<Directions> directions_;
  std::vector<std::uint64_t> shifts_;
};

/// Throws std::invalid_argument naming `who` and the parameter count when a search space of
/// `parameters` parameters has more than Sobol::max_dimensions (1111), so needs another design;
/// `instead` says which.
/// Usage: `hpo::check_sobol_dimensions(space.size(), "hpo::RandomSearch", "use Sampler::Uniform");`
inline void check_sobol_dimensions(std::size_t parameters, const char* who, const char* instead) {
  if (parameters > Sobol::max_dimensions)
    throw std::invalid_argument(std::string(who) + ": the search space has " + std::to_string(parameters) +
                                " parameters, more than the " + std::to_string(Sobol::max_dimensions) +
                                " dimensions of its Sobol sequence (hpo::Sobol::max_dimensions); " + instead);
}

}  // namespace hpo
