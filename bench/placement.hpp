#pragma once
// Where a benchmark instance's box lies around its function's minimizer, shared by run_hpo and
// the dlib peer so that both search the same boxes.
//   shifted: the shifted box of functions.hpp (TestFunction::shifted_bounds), the issue protocol;
//   uniform: the nominal width, with the (first) minimizer at a unit coordinate drawn from
//            [0.02, 0.98] per dimension;
//   corner:  the same, drawn from [0.02, 0.10] or [0.90, 0.98] per dimension (near a corner).
// The functions are defined on all of R^d and their minimum values hold there, so the regret keeps
// its meaning; a method that favours the box's centre shows as a loss under corner.

#include <hpo/core/random.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

#include "functions.hpp"

namespace hpo::bench {

inline bool is_placement(std::string_view placement) {
  return placement == "shifted" || placement == "uniform" || placement == "corner";
}

/// The box of instance `seed` of f under `placement` (one of is_placement's names).
inline std::vector<Interval> instance_bounds(const TestFunction& f, int seed, std::string_view placement) {
  if (placement == "shifted") return f.shifted_bounds(seed);
  hpo::Rng rng(9000 + static_cast<std::uint64_t>(seed), 7);
  std::vector<Interval> bounds;
  for (std::size_t j = 0; j < f.dim; ++j) {
    const double width = f.bounds[j].hi - f.bounds[j].lo;
    const double u = placement == "uniform" ? rng.uniform(0.02, 0.98)
                                            : (rng.uniform() < 0.5 ? rng.uniform(0.02, 0.10) : rng.uniform(0.90, 0.98));
    bounds.push_back({f.minimizers[0][j] - u * width, f.minimizers[0][j] + (1.0 - u) * width});
  }
  return bounds;
}

}  // namespace hpo::bench
