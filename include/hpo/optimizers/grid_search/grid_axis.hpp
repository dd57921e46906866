#pragma once
// One axis of GridSearch's grid: a parameter's grid values, computed on demand.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "hpo/core/linkage.hpp"
#include "hpo/space/config.hpp"
#include "hpo/space/parameter.hpp"

namespace hpo::grid {

/// The number of doubles in [low, high] (finite, low <= high), -0 and +0 counted once.
HPO_INLINE std::uint64_t doubles_between(double low, double high);

/// A parameter's values along the grid, in increasing order: for a real or an integer, `points`
/// values evenly spaced from low to high (log-spaced on a log scale; one point is the midpoint),
/// integers rounded and deduplicated; every category once. Values are computed from their
/// position, so an axis costs the same for 10 points as for 10^12, and its size is known before
/// anything is built. An integer axis of at least as many points as the range holds integers is
/// every integer; a real axis holds at most as many points as there are doubles in its range.
/// Usage: `hpo::grid::GridAxis axis(space[0], 5); hpo::Value v = axis.value(axis.size() - 1);`
class GridAxis {
 public:
  GridAxis(Parameter parameter, std::uint64_t points) : parameter_(std::move(parameter)), points_(points) {
    const Parameter& p = parameter_;
    if (p.kind == ParameterKind::Categorical) {
      size_ = p.categories.size();
    } else if (p.kind == ParameterKind::Real) {
      points_ = std::min(points_, doubles_between(p.low, p.high));
      size_ = points_;
    } else if (p.scale == Scale::Linear) {
      // Steps of at most 1 round onto every integer, steps above 1 onto distinct ones.
      if (points_ >= p.cardinality()) dense_ = points_ = p.cardinality();
      size_ = points_;
    } else {
      split_log_integers();
    }
  }

  const Parameter& parameter() const noexcept { return parameter_; }
  std::uint64_t size() const noexcept { return size_; }

  /// The value at a position in [0, size()).
  Value value(std::uint64_t position) const;

 private:
  // The i-th of points_ evenly (log-) spaced values from low to high.
  double spaced(std::uint64_t i) const;

  // Log-spaced points grow apart: below the first point whose step to the next is at least 1
  // (found by bisection) they round onto every integer, from it on onto distinct ones. The axis is
  // those integers, then the rounded points from there.
  void split_log_integers();

  Parameter parameter_;
  std::uint64_t points_;
  std::uint64_t size_ = 0;
  std::uint64_t dense_ = 0;        // integer axes: positions below this are low, low + 1, ...
  std::uint64_t sparse_from_ = 0;  // and the later ones the rounded points from this one on
};

}  // namespace hpo::grid

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/grid_search/impl/grid_axis.ipp"
#endif
