#pragma once
// The grid points inside and outside a warm start's region, found without visiting the others.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/optimizers/grid_search/grid_axis.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo::grid {

/// Grid positions, one per axis (the first axis most significant, as in the grid's order).
using Position = std::vector<std::uint64_t>;

/// Which grid points lie in a warm start's region (WarmStart::region_contains). The region is a
/// box, so along a numeric axis, whose values increase, the points inside are one run of positions
/// (found by bisection); along a categorical axis they are the region's categories. The next point
/// inside, or outside, from any position on is then found axis by axis in O(axes) (plus a scan of
/// a categorical axis), however many points lie between: a grid of 10^10 points with no point
/// inside, or none outside, costs an ask as little as any other.
/// Usage: `GridRegion region(axes, warm); auto next = region.next_outside(position);`
class GridRegion {
 public:
  GridRegion(const std::vector<GridAxis>& axes, const WarmStart& warm) {
    for (std::size_t j = 0; j < axes.size(); ++j) axes_.push_back(inside_of(axes[j], j, warm));
    any_outside_.assign(axes_.size() + 1, false);
    for (std::size_t k = axes_.size(); k-- > 0;)
      any_outside_[k] = any_outside_[k + 1] || axes_[k].next_outside(0) < axes_[k].size;
  }

  /// Whether every coordinate of the position lies in the region.
  bool contains(const Position& position) const;

  /// The first position from `from` on (in grid order) inside the region, if any.
  std::optional<Position> next_inside(Position from) const;

  /// The first position from `from` on (in grid order) outside the region, if any.
  std::optional<Position> next_outside(const Position& from) const;

 private:
  // One axis's positions inside the region: [first, end) for a numeric axis; a flag per category.
  struct AxisInside {
    std::uint64_t size = 0;
    std::uint64_t first = 0, end = 0;
    std::vector<bool> categories;  // empty for a numeric axis

    bool inside(std::uint64_t p) const { return categories.empty() ? p >= first && p < end : categories[p]; }
    std::uint64_t next_inside(std::uint64_t p) const {
      if (categories.empty()) return std::max(p, first) < end ? std::max(p, first) : size;
      while (p < size && !categories[p]) ++p;
      return p;
    }
    std::uint64_t next_outside(std::uint64_t p) const {
      if (categories.empty()) return p >= first && p < end ? end : p;
      while (p < size && categories[p]) ++p;
      return p;
    }
  };

  static AxisInside inside_of(const GridAxis& axis, std::size_t parameter, const WarmStart& warm);

  static Position with_first_positions(Position position, std::size_t from_axis);

  // Sets the axes from k on to their smallest positions in grid order with one of them outside the
  // region; false when none of those axes has a position outside.
  bool smallest_outside_from(std::size_t k, Position& position) const;

  std::vector<AxisInside> axes_;
  std::vector<bool> any_outside_;  // any_outside_[k]: some axis from k on has a position outside
};

}  // namespace hpo::grid

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/grid_search/impl/grid_region.ipp"
#endif
