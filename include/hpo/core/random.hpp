#pragma once
// Portable pseudo-random numbers: the same seed gives the same stream on every
// platform and standard library, which <random>'s distributions do not promise.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace hpo {

/// SplitMix64 step (Steele, Lea, Flood 2014): used to expand a seed into state.
/// Usage: `std::uint64_t s = 42; auto a = hpo::splitmix64(s);`
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256** generator (Blackman, Vigna 2018) with portable distributions.
/// Streams let independent consumers (trial k, restart j) draw from the same seed
/// without sharing state, so resuming a study reproduces the same numbers.
/// Usage: `hpo::Rng rng(seed, trial_number); double u = rng.uniform();`
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept {
    std::uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
    for (auto& word : state_) word = splitmix64(s);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform on [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-64 * n).
  std::size_t below(std::size_t n) noexcept {
    __extension__ using Wide = unsigned __int128;  // __extension__: silences -Wpedantic
    return static_cast<std::size_t>((static_cast<Wide>(next()) * n) >> 64);
  }

  /// Standard normal by the Box-Muller transform (no cached second value, so that
  /// the stream position depends only on the number of calls).
  double normal() noexcept {
    const Polar p = box_muller();
    return p.radius * std::cos(p.angle);
  }

  /// `count` standard normals into `out`, in pairs by Marsaglia's polar method (Marsaglia & Bray
  /// 1964): a point drawn uniformly in the unit disc gives two normals with one logarithm and one
  /// square root and no trigonometry, half the time of Box-Muller's pairs in the hot loops that
  /// draw many at once (RGPE's ranking draws). A different stream from normal()'s, which stays
  /// Box-Muller so that the single-draw sequences of the optimizers did not move; the rejection
  /// makes the number of uniforms consumed vary, so use a generator of its own.
  void fill_normal(double* out, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; i += 2) {
      double a = 0.0, b = 0.0, radius_squared = 0.0;
      do {
        a = 2.0 * uniform() - 1.0;
        b = 2.0 * uniform() - 1.0;
        radius_squared = a * a + b * b;
      } while (radius_squared >= 1.0 || radius_squared == 0.0);
      const double factor = std::sqrt(-2.0 * std::log(radius_squared) / radius_squared);
      out[i] = a * factor;
      if (i + 1 < count) out[i + 1] = b * factor;
    }
  }

 private:
  // One Box-Muller draw in polar form: a pair of independent standard normals is
  // (radius cos angle, radius sin angle).
  struct Polar {
    double radius, angle;
  };
  Polar box_muller() noexcept {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    return {std::sqrt(-2.0 * std::log(u1)), 2.0 * std::numbers::pi * uniform()};
  }

  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

}  // namespace hpo
