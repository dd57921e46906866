#pragma once
// Small fixtures several test areas share (one definition: the areas are also compiled together).

#include <cstddef>

#include <hpo/optimize.hpp>
#include <hpo/space/search_space.hpp>

namespace hpo_test {

/// Run options for a test: `n` evaluations, no progress line.
inline hpo::RunOptions quiet(std::size_t n) { return {.max_evaluations = n, .progress = false}; }

/// The unit square: reals x and y in [0, 1].
inline hpo::SearchSpace unit_square() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_real("y", 0.0, 1.0);
  return space;
}

}  // namespace hpo_test
