// Tests of hpo::Rng, hpo::Sobol and hpo::LatinHypercube.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "hpo/core/random.hpp"
#include "hpo/sampling/latin_hypercube.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/sampling/sobol_directions.hpp"

namespace {

constexpr int kDraws = 100000;

/// Counts of points per bin when [0, 1) is cut into `bins` equal bins.
std::vector<int> bin_counts(const Eigen::VectorXd& values, std::size_t bins) {
  std::vector<int> counts(bins, 0);
  for (double v : values) {
    REQUIRE(v >= 0.0);
    REQUIRE(v < 1.0);
    ++counts[static_cast<std::size_t>(v * static_cast<double>(bins))];
  }
  return counts;
}

bool one_per_bin(const std::vector<int>& counts) {
  return std::all_of(counts.begin(), counts.end(), [](int c) { return c == 1; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Rng

TEST_CASE("Rng: a seed gives a fixed stream", "[rng]") {
  // Recorded from this implementation; a change here changes every seeded study.
  hpo::Rng rng(42, 0);
  CHECK(rng.next() == 0x0030425E2A3DC334ULL);
  CHECK(rng.next() == 0x057E19F0156C8A6BULL);
  CHECK(rng.next() == 0x8C5C18F37D24DFD8ULL);
  CHECK(rng.next() == 0x08788A1A2C75E2C4ULL);

  hpo::Rng stream7(42, 7);
  CHECK(stream7.next() == 0xAB888623D78BB721ULL);
  CHECK(stream7.next() == 0x6DF27A4348E0CFACULL);

  hpo::Rng a(123, 5), b(123, 5);
  for (int i = 0; i < 1000; ++i) REQUIRE(a.next() == b.next());
}

TEST_CASE("Rng: different streams and seeds differ", "[rng]") {
  auto first_draws = [](std::uint64_t seed, std::uint64_t stream) {
    hpo::Rng rng(seed, stream);
    std::vector<std::uint64_t> draws(8);
    for (auto& d : draws) d = rng.next();
    return draws;
  };
  const auto base = first_draws(42, 0);
  CHECK(first_draws(42, 1) != base);
  CHECK(first_draws(42, 2) != first_draws(42, 1));
  CHECK(first_draws(43, 0) != base);
  // No draw of stream 1 repeats one of stream 0 (a shifted copy would).
  const auto other = first_draws(42, 1);
  for (auto d : other) CHECK(std::find(base.begin(), base.end(), d) == base.end());
}

TEST_CASE("Rng: uniform lies between 0 (included) and 1 (excluded) with the right mean and variance", "[rng]") {
  hpo::Rng rng(2024, 0);
  double sum = 0.0, sum_squares = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum_squares += u * u;
  }
  const double mean = sum / kDraws;
  const double variance = sum_squares / kDraws - mean * mean;
  // Measured for this seed: mean 0.49966, variance 0.083023. Margins are about 4.5 standard
  // errors (0.00091 and 0.00024 for 10^5 draws).
  CHECK(mean == Approx(0.5).margin(0.004));
  CHECK(variance == Approx(1.0 / 12.0).margin(0.0012));

  hpo::Rng interval(7, 0);
  for (int i = 0; i < 1000; ++i) {
    const double x = interval.uniform(-3.0, 5.0);
    REQUIRE(x >= -3.0);
    REQUIRE(x < 5.0);
  }
}

TEST_CASE("Rng: below(n) is in range and roughly uniform", "[rng]") {
  hpo::Rng rng(2024, 1);
  constexpr std::size_t n = 10;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::size_t k = rng.below(n);
    REQUIRE(k < n);
    ++counts[k];
  }
  double chi_square = 0.0;
  const double expected = static_cast<double>(kDraws) / n;
  for (int c : counts) chi_square += (c - expected) * (c - expected) / expected;
  // Measured 9.84 for this seed; 27.88 is the 0.999 quantile of chi-square with 9 degrees of freedom.
  CHECK(chi_square < 27.88);

  hpo::Rng one(3, 0);
  for (int i = 0; i < 100; ++i) REQUIRE(one.below(1) == 0);
  hpo::Rng huge(3, 1);
  bool upper_half = false;
  for (int i = 0; i < 100; ++i) upper_half |= huge.below(std::size_t{1} << 63) >= (std::size_t{1} << 62);
  CHECK(upper_half);
}

TEST_CASE("Rng: normal has mean 0 and variance 1", "[rng]") {
  hpo::Rng rng(2024, 2);
  double sum = 0.0, sum_squares = 0.0;
  int beyond_two = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double z = rng.normal();
    REQUIRE(std::isfinite(z));
    sum += z;
    sum_squares += z * z;
    beyond_two += std::abs(z) > 2.0;
  }
  const double mean = sum / kDraws;
  const double variance = sum_squares / kDraws - mean * mean;
  // Measured for this seed: mean 0.00167, variance 0.99544; standard errors 0.0032 and 0.0045.
  CHECK(mean == Approx(0.0).margin(0.015));
  CHECK(variance == Approx(1.0).margin(0.022));
  // P(|Z| > 2) = 0.0455: the tails are Gaussian, not just the first two moments.
  CHECK(static_cast<double>(beyond_two) / kDraws == Approx(0.0455).margin(0.004));
}

TEST_CASE("Rng: fill_normal draws standard normals in pairs, the same for the same seed", "[rng]") {
  std::vector<double> z(kDraws + 1);  // odd: the last pair keeps its first only
  hpo::Rng rng(2024, 3);
  rng.fill_normal(z.data(), z.size());
  double sum = 0.0, sum_squares = 0.0, pair_products = 0.0;
  int beyond_two = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    REQUIRE(std::isfinite(z[i]));
    sum += z[i];
    sum_squares += z[i] * z[i];
    beyond_two += std::abs(z[i]) > 2.0;
    if (i % 2 == 1) pair_products += z[i - 1] * z[i];
  }
  const auto count = static_cast<double>(z.size());
  const double mean = sum / count;
  const double variance = sum_squares / count - mean * mean;
  // Measured for this seed: mean 0.00351, variance 0.99938, tails 0.04535, pair correlation
  // 0.00318; standard errors 0.0032, 0.0045, 0.0007 and 0.0045.
  CHECK(mean == Approx(0.0).margin(0.015));
  CHECK(variance == Approx(1.0).margin(0.022));
  CHECK(static_cast<double>(beyond_two) / count == Approx(0.0455).margin(0.004));
  // The two of a pair (the coordinates of one point in the disc) are uncorrelated: standard
  // error 0.0045.
  CHECK(pair_products / (count / 2) == Approx(0.0).margin(0.02));

  std::vector<double> again(z.size());
  hpo::Rng same(2024, 3);
  same.fill_normal(again.data(), again.size());
  CHECK(again == z);
}

// ---------------------------------------------------------------------------------------------
// Sobol direction numbers

TEST_CASE("Sobol direction table matches new-joe-kuo-6.21201", "[sobol]") {
  const auto& table = hpo::detail::kSobolPolynomials;
  REQUIRE(table.size() == 1111);
  auto check = [&](std::size_t dimension, unsigned degree, unsigned a, std::vector<unsigned> m) {
    INFO("dimension " << dimension);
    const auto& row = table[dimension - 1];
    CHECK(row.degree == degree);
    CHECK(row.coefficients == a);
    for (std::size_t i = 0; i < m.size(); ++i) CHECK(row.initial[i] == m[i]);
  };
  check(2, 1, 0, {1});
  check(3, 2, 1, {1, 3});
  check(4, 3, 1, {1, 3, 1});
  check(5, 3, 2, {1, 1, 1});
  check(6, 4, 1, {1, 1, 3, 3});
  check(7, 4, 4, {1, 3, 5, 13});
  check(13, 5, 14, {1, 3, 5, 5, 31});
  check(1111, 13, 4094, {1, 1, 5, 15, 19, 1, 7, 211, 157, 603, 403, 1387, 1583});
  for (std::size_t d = 1; d < table.size(); ++d) {
    const auto& row = table[d];
    REQUIRE(row.degree >= 1);
    REQUIRE(row.degree <= hpo::detail::kSobolMaxDegree);
    for (std::size_t i = 0; i < row.degree; ++i) {
      REQUIRE(row.initial[i] % 2 == 1);           // m_i odd
      REQUIRE(row.initial[i] < (1U << (i + 1)));  // m_i < 2^i
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sobol

TEST_CASE("Sobol unscrambled equals scipy.stats.qmc.Sobol(scramble=False)", "[sobol]") {
  // scipy 1.10.1: qmc.Sobol(3, scramble=False).random(8)
  const double expected[8][3] = {{0.0, 0.0, 0.0},       {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},
                                 {0.25, 0.75, 0.75},    {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125},
                                 {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  const hpo::Sobol sobol(3, 0, false);
  const Eigen::MatrixXd block = sobol.points(0, 8);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 3; ++j) {
      INFO("point " << i << " coordinate " << j);
      CHECK(sobol.point(static_cast<std::uint64_t>(i))(j) == expected[i][j]);
      CHECK(block(i, j) == expected[i][j]);
    }

  // scipy: s = qmc.Sobol(3, scramble=False); s.fast_forward(2**29 + 12345); s.random(1) * 2**30
  const Eigen::VectorXd far = sobol.point((std::uint64_t{1} << 29) + 12345);
  CHECK(far(0) == 688193539.0 * 0x1.0p-30);
  CHECK(far(1) == 622727441.0 * 0x1.0p-30);
  CHECK(far(2) == 658718013.0 * 0x1.0p-30);

  // Beyond scipy's default 30 bits: XOR of the direction numbers of qmc.Sobol(3, bits=64)._sv over
  // the Gray code of 2^40 + 12345 (scipy 1.10's fast_forward fails for bits=64).
  const Eigen::VectorXd beyond = sobol.point((std::uint64_t{1} << 40) + 12345);
  CHECK(beyond(0) == static_cast<double>(0xa414000001800000ULL) * 0x1.0p-64);
  CHECK(beyond(1) == static_cast<double>(0xafbc00007f800000ULL) * 0x1.0p-64);
  CHECK(beyond(2) == static_cast<double>(0x51d92d80ad800000ULL) * 0x1.0p-64);
}

TEST_CASE("Sobol unscrambled point 1000 equals scipy in 50 and 1111 dimensions", "[sobol]") {
  // scipy 1.10.1: qmc.Sobol(50, scramble=False).random(1001)[1000] * 2**30
  const std::int64_t expected50[50] = {
      235929600, 103809024, 556793856,  726663168, 300941312, 974127104, 49283072,  965738496,  537919488,  74448896,
      91226112,  273678336, 173015040,  412090368, 154140672, 397410304, 772800512, 370147328,  1064304640, 779091968,
      560988160, 590348288, 1020264448, 579862528, 625999872, 974127104, 42991616,  1051721728, 63963136,   365953024,
      158334976, 156237824, 317718528,  636485632, 860880896, 827326464, 911212544, 892338176,  330301440,  514850816,
      980418560, 273678336, 1030750208, 753926144, 902823936, 99614720,  936378368, 986710016,  1072693248, 514850816};
  const hpo::Sobol sobol50(50, 0, false);
  const Eigen::VectorXd p50 = sobol50.point(1000);
  REQUIRE(p50.size() == 50);
  for (int j = 0; j < 50; ++j) {
    INFO("coordinate " << j);
    CHECK(p50(j) == static_cast<double>(expected50[j]) * 0x1.0p-30);
  }

  // scipy 1.10.1: qmc.Sobol(1111, scramble=False).random(1001)[1000], selected dimensions (1-based)
  const hpo::Sobol sobol1111(1111, 0, false);
  const Eigen::VectorXd p = sobol1111.point(1000);
  REQUIRE(p.size() == 1111);
  CHECK(p(0) == 0.2197265625);
  CHECK(p(1) == 0.0966796875);
  CHECK(p(49) == 0.4794921875);
  CHECK(p(499) == 0.2548828125);
  CHECK(p(999) == 0.2001953125);
  CHECK(p(1109) == 0.9892578125);
  CHECK(p(1110) == 0.3701171875);
}

TEST_CASE("Sobol scrambled keeps the net property in every coordinate", "[sobol]") {
  const hpo::Sobol sobol(10, 2024);
  for (int k = 1; k <= 8; ++k) {
    const std::size_t n = std::size_t{1} << k;
    const Eigen::MatrixXd u = sobol.points(0, n);
    for (Eigen::Index j = 0; j < u.cols(); ++j) {
      INFO("k = " << k << ", coordinate " << j);
      CHECK(one_per_bin(bin_counts(u.col(j), n)));
    }
  }
  // Also from a later start: indices m 2^k ... (m + 1) 2^k - 1 form a net too.
  const Eigen::MatrixXd later = sobol.points(3 * 64, 64);
  for (Eigen::Index j = 0; j < later.cols(); ++j) CHECK(one_per_bin(bin_counts(later.col(j), 64)));
}

TEST_CASE("Sobol scrambled keeps the (0, m, 2)-net of the first two coordinates", "[sobol]") {
  // Dimensions 1 and 2 of Sobol have t = 0: every box of 2^-a x 2^-(m-a) holds one of the first
  // 2^m points. A scramble mixing digits across levels would break this.
  const hpo::Sobol sobol(2, 99);
  constexpr int m = 8;
  const Eigen::MatrixXd u = sobol.points(0, std::size_t{1} << m);
  for (int a = 0; a <= m; ++a) {
    const std::size_t rows = std::size_t{1} << a, cols = std::size_t{1} << (m - a);
    std::vector<int> counts(rows * cols, 0);
    for (Eigen::Index i = 0; i < u.rows(); ++i)
      ++counts[static_cast<std::size_t>(u(i, 0) * static_cast<double>(rows)) * cols +
               static_cast<std::size_t>(u(i, 1) * static_cast<double>(cols))];
    INFO("a = " << a);
    CHECK(one_per_bin(counts));
  }
}

TEST_CASE("Sobol scrambled is deterministic in the seed and differs between seeds", "[sobol]") {
  const hpo::Sobol a(5, 17), b(5, 17), c(5, 18), plain(5, 17, false);
  const Eigen::MatrixXd pa = a.points(0, 32);
  CHECK(pa == b.points(0, 32));
  CHECK(pa != c.points(0, 32));
  CHECK(pa != plain.points(0, 32));
  // The origin, which the unscrambled sequence starts with, is gone.
  CHECK(pa.row(0).minCoeff() > 0.0);
  // Scrambled coordinates carry more than the 30 bits scipy uses by default.
  bool fine_bits = false;
  for (double x : pa.reshaped()) fine_bits |= std::ldexp(x, 30) != std::floor(std::ldexp(x, 30));
  CHECK(fine_bits);
  // More than a digital shift: with a shift alone, point i XOR point 0 would be the unscrambled
  // point i; the matrix scramble also permutes the digits.
  auto bits = [](double x) { return static_cast<std::uint64_t>(std::ldexp(x, 53)); };
  const Eigen::MatrixXd pp = plain.points(0, 32);
  bool matrix_scrambled = false;
  for (Eigen::Index i = 1; i < pa.rows(); ++i)
    for (Eigen::Index j = 0; j < pa.cols(); ++j)
      matrix_scrambled |= (bits(pa(i, j)) ^ bits(pa(0, j))) != bits(pp(i, j));
  CHECK(matrix_scrambled);
  // The scramble of a coordinate depends only on the seed and the coordinate.
  const hpo::Sobol wider(8, 17);
  CHECK(wider.points(0, 32).leftCols(5) == pa);
}

TEST_CASE("Sobol points() equals point() row by row", "[sobol]") {
  for (bool scramble : {false, true}) {
    const hpo::Sobol sobol(7, 5, scramble);
    for (std::uint64_t first :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{37}, std::uint64_t{1} << 33, ~std::uint64_t{0} - 20}) {
      const Eigen::MatrixXd block = sobol.points(first, 21);
      REQUIRE(block.rows() == 21);
      REQUIRE(block.cols() == 7);
      for (Eigen::Index i = 0; i < block.rows(); ++i) {
        INFO("scramble " << scramble << ", first " << first << ", row " << i);
        const Eigen::VectorXd single = sobol.point(first + static_cast<std::uint64_t>(i));
        CHECK(block.row(i).transpose() == single);
        CHECK(single.minCoeff() >= 0.0);
        CHECK(single.maxCoeff() < 1.0);
      }
    }
    CHECK(sobol.points(10, 0).rows() == 0);
  }
}

TEST_CASE("Sobol rejects bad dimensions, naming the value", "[sobol]") {
  REQUIRE(hpo::Sobol::max_dimensions == 1111);
  REQUIRE_THROWS_AS(hpo::Sobol(0, 1), std::invalid_argument);
  REQUIRE_THROWS_WITH(hpo::Sobol(0, 1), Catch::Contains("got 0"));
  REQUIRE_THROWS_AS(hpo::Sobol(1112, 1), std::invalid_argument);
  REQUIRE_THROWS_WITH(hpo::Sobol(1112, 1), Catch::Contains("1112"));
  REQUIRE_THROWS_WITH(hpo::Sobol(5000, 1, false), Catch::Contains("5000"));
  REQUIRE_NOTHROW(hpo::Sobol(1111, 1));
  CHECK(hpo::Sobol(1, 1).dimensions() == 1);
  const hpo::Sobol sobol(3, 1);
  REQUIRE_THROWS_WITH(sobol.points(~std::uint64_t{0}, 2), Catch::Contains("count = 2"));
}

// ---------------------------------------------------------------------------------------------
// Latin hypercube

TEST_CASE("LatinHypercube stratifies every block in every coordinate", "[lhs]") {
  constexpr std::size_t block = 16;
  const hpo::LatinHypercube lhs(6, 31, block);
  const Eigen::MatrixXd u = lhs.points(0, 5 * block);
  for (std::size_t b = 0; b < 5; ++b)
    for (Eigen::Index j = 0; j < u.cols(); ++j) {
      INFO("block " << b << ", coordinate " << j);
      const Eigen::VectorXd column =
          u.col(j).segment(static_cast<Eigen::Index>(b * block), static_cast<Eigen::Index>(block));
      CHECK(one_per_bin(bin_counts(column, block)));
    }
  // Jittered, not centred: not every point sits in the middle of its stratum.
  bool off_centre = false;
  for (double x : u.reshaped()) off_centre |= std::abs(x * block - std::floor(x * block) - 0.5) > 1e-6;
  CHECK(off_centre);
  // Blocks are independent draws, not one design repeated.
  CHECK(u.topRows(block) != u.middleRows(block, block));

  // A block of one point is a plain uniform draw.
  const hpo::LatinHypercube single(3, 31, 1);
  const Eigen::MatrixXd s = single.points(0, 10);
  CHECK((s.array() >= 0.0).all());
  CHECK((s.array() < 1.0).all());
}

TEST_CASE("LatinHypercube is deterministic and index-addressable", "[lhs]") {
  const hpo::LatinHypercube a(4, 8, 10), b(4, 8, 10), c(4, 9, 10);
  const Eigen::MatrixXd pa = a.points(0, 35);
  CHECK(pa == b.points(0, 35));
  CHECK(pa != c.points(0, 35));
  for (Eigen::Index i = 0; i < pa.rows(); ++i) {
    INFO("row " << i);
    CHECK(pa.row(i).transpose() == a.point(static_cast<std::uint64_t>(i)));
  }
  // A range starting and ending inside blocks matches the full range.
  CHECK(a.points(7, 19) == pa.middleRows(7, 19));
  // Block b comes from Rng(seed, b) alone, so a far block needs nothing before it.
  const Eigen::MatrixXd far = a.points(1000000, 10);
  CHECK(one_per_bin(bin_counts(far.col(0), 10)));
  CHECK(a.dimensions() == 4);
  CHECK(a.block_size() == 10);
}

TEST_CASE("LatinHypercube rejects bad input, naming the value", "[lhs]") {
  REQUIRE_THROWS_AS(hpo::LatinHypercube(0, 1, 8), std::invalid_argument);
  REQUIRE_THROWS_WITH(hpo::LatinHypercube(0, 1, 8), Catch::Contains("dimensions") && Catch::Contains("got 0"));
  REQUIRE_THROWS_AS(hpo::LatinHypercube(3, 1, 0), std::invalid_argument);
  REQUIRE_THROWS_WITH(hpo::LatinHypercube(3, 1, 0), Catch::Contains("block_size") && Catch::Contains("got 0"));
  const hpo::LatinHypercube lhs(2, 1, 4);
  REQUIRE_THROWS_WITH(lhs.points(~std::uint64_t{0}, 3), Catch::Contains("count = 3"));
  // Every point costs a whole block, so a block is bounded, and a matrix has at most 2^63 entries.
  REQUIRE_THROWS_WITH(hpo::LatinHypercube(3, 1, std::size_t{1} << 21),
                      Catch::Contains("block_size") && Catch::Contains("2097152"));
  REQUIRE_NOTHROW(hpo::LatinHypercube(3, 1, hpo::LatinHypercube::max_block_size));
  REQUIRE_THROWS_WITH(lhs.points(0, std::size_t{1} << 62), Catch::Contains("more entries than a matrix holds"));
  REQUIRE_THROWS_WITH(hpo::Sobol(3, 1).points(0, std::size_t{1} << 62),
                      Catch::Contains("more entries than a matrix holds"));
}
