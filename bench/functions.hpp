// Benchmark test functions for hpo's sample-efficiency benchmark (C++ twin of functions.py).
//
// Seven standard minimization test functions with the definitions, domains and optima of
// S. Surjanovic & D. Bingham, "Virtual Library of Simulation Experiments: Test Functions and
// Datasets", https://www.sfu.ca/~ssurjano/ , and the shifted-instance rule used by every runner:
//
//   instance (seed) s moves dimension j's domain [lo, hi] to [lo + d, hi + d] with
//   d = 0.1 * (hi - lo) * sin(1 + 7 s + 3 j)          (radians, j counted from 0).
//
// The function itself is unchanged and a global minimizer stays inside every shifted box for
// seeds 0..19 (checked by check_functions and `functions.py --check`), so f* is unchanged.
//
// Header-only, C++20, standard library only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string_view>
#include <vector>

namespace hpo::bench {

/// Closed interval of one dimension.
struct Interval {
  double lo;
  double hi;
};

/// Shift of dimension `j` of instance `seed`: 0.1 (hi - lo) sin(1 + 7 seed + 3 j).
[[nodiscard]] inline double shift(Interval nominal, int seed, std::size_t j) {
  return 0.1 * (nominal.hi - nominal.lo) *
         std::sin(1.0 + 7.0 * static_cast<double>(seed) + 3.0 * static_cast<double>(j));
}

/// The box of instance `seed`: every nominal interval translated by its shift.
[[nodiscard]] inline std::vector<Interval> shifted_bounds(std::span<const Interval> nominal, int seed) {
  std::vector<Interval> out;
  out.reserve(nominal.size());
  for (std::size_t j = 0; j < nominal.size(); ++j) {
    const double d = shift(nominal[j], seed, j);
    out.push_back({nominal[j].lo + d, nominal[j].hi + d});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The functions.  Each takes a point of its dimension (Rosenbrock, Ackley, Levy and
// Styblinski-Tang accept any dimension >= 1, resp. >= 2 for Rosenbrock).

/// Branin (Branin-Hoo), 2-D, x1 in [-5, 10], x2 in [0, 15].
/// f = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s, a = 1, b = 5.1/(4 pi^2), c = 5/pi,
/// r = 6, s = 10, t = 1/(8 pi).  Minimizers (-pi, 12.275), (pi, 2.275), (9.42478, 2.475);
/// f* = 0.397887357729739.  Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/branin.html
[[nodiscard]] inline double branin(std::span<const double> x) {
  using std::numbers::pi;
  const double x1 = x[0];
  const double x2 = x[1];
  const double a = 1.0;
  const double b = 5.1 / (4.0 * pi * pi);
  const double c = 5.0 / pi;
  const double r = 6.0;
  const double s = 10.0;
  const double t = 1.0 / (8.0 * pi);
  const double q = x2 - b * x1 * x1 + c * x1 - r;
  return a * q * q + s * (1.0 - t) * std::cos(x1) + s;
}

namespace detail {
inline constexpr double hartmann_alpha[4] = {1.0, 1.2, 3.0, 3.2};
inline constexpr double hartmann3_A[4][3] = {
    {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}, {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}};
inline constexpr double hartmann3_P[4][3] = {
    {0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.0381, 0.5743, 0.8828}};
inline constexpr double hartmann6_A[4][6] = {{10.0, 3.0, 17.0, 3.5, 1.7, 8.0},
                                             {0.05, 10.0, 17.0, 0.1, 8.0, 14.0},
                                             {3.0, 3.5, 1.7, 10.0, 17.0, 8.0},
                                             {17.0, 8.0, 0.05, 10.0, 0.1, 14.0}};
inline constexpr double hartmann6_P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                             {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                             {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                             {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

template <std::size_t D>
[[nodiscard]] double hartmann(std::span<const double> x, const double (&A)[4][D], const double (&P)[4][D]) {
  double total = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    double inner = 0.0;
    for (std::size_t j = 0; j < D; ++j) {
      const double diff = x[j] - P[i][j];
      inner += A[i][j] * diff * diff;
    }
    total += hartmann_alpha[i] * std::exp(-inner);
  }
  return -total;
}
}  // namespace detail

/// Hartmann 3-D, [0, 1]^3.  f = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2).
/// Minimizer (0.114614, 0.555649, 0.852547); f* = -3.8627797873.
/// Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/hart3.html
[[nodiscard]] inline double hartmann3(std::span<const double> x) {
  return detail::hartmann(x, detail::hartmann3_A, detail::hartmann3_P);
}

/// Hartmann 6-D, [0, 1]^6.  f = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2).
/// Minimizer (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573); f* = -3.32236801141551.
/// Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/hart6.html
[[nodiscard]] inline double hartmann6(std::span<const double> x) {
  return detail::hartmann(x, detail::hartmann6_A, detail::hartmann6_P);
}

/// Rosenbrock, d-D (benchmark: 4-D on [-5, 10]^4).
/// f = sum_{i<d} 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2; minimizer (1, ..., 1); f* = 0.
/// Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/rosen.html
[[nodiscard]] inline double rosenbrock(std::span<const double> x) {
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double u = x[i + 1] - x[i] * x[i];
    const double v = x[i] - 1.0;
    total += 100.0 * (u * u) + v * v;
  }
  return total;
}

/// Ackley, d-D (benchmark: 5-D on [-32.768, 32.768]^5), a = 20, b = 0.2, c = 2 pi.
/// f = -a exp(-b sqrt(mean x_i^2)) - exp(mean cos(c x_i)) + a + e; minimizer 0; f* = 0.
/// Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/ackley.html
[[nodiscard]] inline double ackley(std::span<const double> x) {
  const double a = 20.0;
  const double b = 0.2;
  const double c = 2.0 * std::numbers::pi;
  const double d = static_cast<double>(x.size());
  double s1 = 0.0;
  double s2 = 0.0;
  for (const double xi : x) {
    s1 += xi * xi;
    s2 += std::cos(c * xi);
  }
  return -a * std::exp(-b * std::sqrt(s1 / d)) - std::exp(s2 / d) + a + std::numbers::e;
}

/// Levy, d-D (benchmark: 10-D on [-10, 10]^10).  w_i = 1 + (x_i - 1)/4;
/// f = sin^2(pi w_1) + sum_{i<d} (w_i - 1)^2 [1 + 10 sin^2(pi w_i + 1)] + (w_d - 1)^2 [1 + sin^2(2 pi w_d)];
/// minimizer (1, ..., 1); f* = 0.  Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/levy.html
[[nodiscard]] inline double levy(std::span<const double> x) {
  using std::numbers::pi;
  const auto w = [&](std::size_t i) { return 1.0 + (x[i] - 1.0) / 4.0; };
  const double s0 = std::sin(pi * w(0));
  double total = s0 * s0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double wi = w(i);
    const double si = std::sin(pi * wi + 1.0);
    total += (wi - 1.0) * (wi - 1.0) * (1.0 + 10.0 * (si * si));
  }
  const double wd = w(x.size() - 1);
  const double sd = std::sin(2.0 * pi * wd);
  total += (wd - 1.0) * (wd - 1.0) * (1.0 + sd * sd);
  return total;
}

/// Per-coordinate minimizer and per-dimension minimum of Styblinski-Tang.
inline constexpr double styblinski_tang_xstar = -2.903534027771177;
inline constexpr double styblinski_tang_fstar_per_dim = -39.166165703771412;

/// Styblinski-Tang, d-D (benchmark: 8-D on [-5, 5]^8).  f = 1/2 sum_i (x_i^4 - 16 x_i^2 + 5 x_i);
/// minimizer x_i = -2.903534027771177; f* = -39.166165703771412 d.
/// Ref: Surjanovic & Bingham, https://www.sfu.ca/~ssurjano/stybtang.html
[[nodiscard]] inline double styblinski_tang(std::span<const double> x) {
  double total = 0.0;
  for (const double xi : x) {
    const double x2 = xi * xi;
    total += x2 * x2 - 16.0 * x2 + 5.0 * xi;
  }
  return 0.5 * total;
}

// ---------------------------------------------------------------------------------------------

/// One benchmark problem: a function with its benchmark dimension, nominal domain and optimum.
struct TestFunction {
  std::string_view name;                        ///< CSV name, e.g. "hartmann6"
  std::size_t dim;                              ///< benchmark dimension
  std::vector<Interval> bounds;                 ///< nominal domain, one interval per dimension
  double optimum;                               ///< exact global minimum f*
  std::vector<std::vector<double>> minimizers;  ///< known global minimizers (Branin has 3)
  double (*fn)(std::span<const double>);        ///< the function

  [[nodiscard]] double operator()(std::span<const double> x) const { return fn(x); }

  /// The box of instance `seed` (see the shift rule at the top of this file).
  [[nodiscard]] std::vector<Interval> shifted_bounds(int seed) const { return bench::shifted_bounds(bounds, seed); }
};

/// All seven benchmark problems, in the canonical order
/// branin, hartmann3, hartmann6, rosenbrock, ackley, levy, styblinski_tang.
[[nodiscard]] inline const std::vector<TestFunction>& registry() {
  using std::numbers::pi;
  const auto cube = [](std::size_t d, double lo, double hi) { return std::vector<Interval>(d, Interval{lo, hi}); };
  static const std::vector<TestFunction> all = {
      {"branin",
       2,
       {{-5.0, 10.0}, {0.0, 15.0}},
       0.397887357729739,
       {{-pi, 12.275}, {pi, 2.275}, {9.42478, 2.475}},
       &branin},
      {"hartmann3", 3, cube(3, 0.0, 1.0), -3.8627797873, {{0.114614, 0.555649, 0.852547}}, &hartmann3},
      {"hartmann6",
       6,
       cube(6, 0.0, 1.0),
       -3.32236801141551,
       {{0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}},
       &hartmann6},
      {"rosenbrock", 4, cube(4, -5.0, 10.0), 0.0, {std::vector<double>(4, 1.0)}, &rosenbrock},
      {"ackley", 5, cube(5, -32.768, 32.768), 0.0, {std::vector<double>(5, 0.0)}, &ackley},
      {"levy", 10, cube(10, -10.0, 10.0), 0.0, {std::vector<double>(10, 1.0)}, &levy},
      {"styblinski_tang",
       8,
       cube(8, -5.0, 5.0),
       8 * styblinski_tang_fstar_per_dim,
       {std::vector<double>(8, styblinski_tang_xstar)},
       &styblinski_tang},
  };
  return all;
}

/// The registry entry called `name`, or nullptr.
[[nodiscard]] inline const TestFunction* find_function(std::string_view name) {
  for (const auto& f : registry()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Observation noise for the noisy variant of the benchmark (run_hpo --noise, optuna_peer.py
// --noise): a run of seed s sees y_k = f(x_k) + level * noise_scale(f) * noise_normal(s, k) at its
// k-th evaluation (k from 1). Every peer of that seed gets the same noise sequence (common random
// numbers), and the Python twin draws the same numbers: splitmix64 (Steele, Lea, Flood 2014) and
// Box-Muller need nothing a language could do differently.

/// splitmix64's output for the state `x` (its increment already added by the caller).
[[nodiscard]] inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A uniform double in [0, 1) from the 53 high bits of splitmix64(key).
[[nodiscard]] inline double splitmix_uniform(std::uint64_t key) {
  return static_cast<double>(splitmix64(key) >> 11) * 0x1.0p-53;
}

/// The standard normal of evaluation k of the run of seed `seed` (Box-Muller on two uniforms).
[[nodiscard]] inline double noise_normal(int seed, std::size_t k) {
  const std::uint64_t key = (static_cast<std::uint64_t>(seed) << 32) + 2 * static_cast<std::uint64_t>(k);
  const double u1 = splitmix_uniform(key), u2 = splitmix_uniform(key + 1);
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

/// The noise's unit for f: the median of f - f* over 4,096 points drawn uniformly from f's nominal
/// box (a typical gap to the optimum; a standard deviation would be all tail on Rosenbrock).
[[nodiscard]] inline double noise_scale(const TestFunction& f) {
  constexpr std::size_t kPoints = 4096;
  std::vector<double> gaps(kPoints);
  std::vector<double> x(f.dim);
  for (std::size_t i = 0; i < kPoints; ++i) {
    for (std::size_t j = 0; j < f.dim; ++j)
      x[j] = f.bounds[j].lo + (f.bounds[j].hi - f.bounds[j].lo) * splitmix_uniform(0x5eed0000ULL + i * f.dim + j);
    gaps[i] = f(x) - f.optimum;
  }
  std::nth_element(gaps.begin(), gaps.begin() + kPoints / 2, gaps.end());
  return gaps[kPoints / 2];
}

}  // namespace hpo::bench
