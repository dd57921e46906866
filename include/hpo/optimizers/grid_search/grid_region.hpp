#pragma once
// The grid points inside and outside a warm start's region, found without visiting the others.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

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
  bool contains(const Position& position) const {
    for (std::size_t j = 0; j < axes_.size(); ++j)
      if (!axes_[j].inside(position[j])) return false;
    return true;
  }

  /// The first position from `from` on (in grid order) inside the region, if any.
  std::optional<Position> next_inside(Position from) const {
    std::size_t j = 0;
    while (j < axes_.size() && axes_[j].inside(from[j])) ++j;
    if (j == axes_.size()) return from;
    // from[j] is outside: the next candidate moves axis j (or, failing that, an earlier axis) to
    // its next inside position and every later axis to its first.
    for (std::size_t k = j + 1; k-- > 0;) {
      const std::uint64_t start = k == j ? from[k] : from[k] + 1;
      const std::uint64_t next = axes_[k].next_inside(start);
      if (next == axes_[k].size) continue;
      from[k] = next;
      for (std::size_t later = k + 1; later < axes_.size(); ++later) {
        from[later] = axes_[later].next_inside(0);
        if (from[later] == axes_[later].size) return std::nullopt;  // an axis with nothing inside
      }
      return from;
    }
    return std::nullopt;
  }

  /// The first position from `from` on (in grid order) outside the region, if any.
  std::optional<Position> next_outside(const Position& from) const {
    if (!contains(from)) return from;
    // Keep the longest prefix of `from` possible: axis k moves to its next position, and then the
    // later axes to the smallest positions that leave the region, if it stayed inside.
    for (std::size_t k = axes_.size(); k-- > 0;) {
      if (from[k] + 1 >= axes_[k].size) continue;
      Position next = from;
      next[k] = from[k] + 1;
      if (!axes_[k].inside(next[k])) return with_first_positions(next, k + 1);
      if (smallest_outside_from(k + 1, next)) return next;
      next[k] = axes_[k].next_outside(from[k] + 1);
      if (next[k] < axes_[k].size) return with_first_positions(next, k + 1);
    }
    return std::nullopt;
  }

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

  static AxisInside inside_of(const GridAxis& axis, std::size_t parameter, const WarmStart& warm) {
    AxisInside in;
    in.size = axis.size();
    if (axis.parameter().kind == ParameterKind::Categorical) {
      for (std::uint64_t p = 0; p < in.size; ++p)
        in.categories.push_back(warm.region_side(parameter, axis.value(p)) == 0);
      return in;
    }
    // Unit coordinates grow with the position: the run inside starts at the first position not
    // below the region and ends at the first one above it.
    const auto first_where = [&](auto&& predicate) {
      std::uint64_t lo = 0, hi = in.size;
      while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        if (predicate(axis.value(mid)))
          hi = mid;
        else
          lo = mid + 1;
      }
      return lo;
    };
    in.first = first_where([&](const Value& v) { return warm.region_side(parameter, v) >= 0; });
    in.end = std::max(in.first, first_where([&](const Value& v) { return warm.region_side(parameter, v) > 0; }));
    return in;
  }

  static Position with_first_positions(Position position, std::size_t from_axis) {
    for (std::size_t j = from_axis; j < position.size(); ++j) position[j] = 0;
    return position;
  }

  // Sets the axes from k on to their smallest positions in grid order with one of them outside the
  // region; false when none of those axes has a position outside.
  bool smallest_outside_from(std::size_t k, Position& position) const {
    for (; k < axes_.size(); ++k) {
      if (!axes_[k].inside(0) || any_outside_[k + 1]) {
        position[k] = 0;
        if (!axes_[k].inside(0)) {
          position = with_first_positions(std::move(position), k + 1);
          return true;
        }
        continue;
      }
      position[k] = axes_[k].next_outside(0);
      if (position[k] == axes_[k].size) return false;
      position = with_first_positions(std::move(position), k + 1);
      return true;
    }
    return false;
  }

  std::vector<AxisInside> axes_;
  std::vector<bool> any_outside_;  // any_outside_[k]: some axis from k on has a position outside
};

}  // namespace hpo::grid
