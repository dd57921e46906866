#pragma once
// Bodies of grid_region.hpp; see core/linkage.hpp.
#include "hpo/optimizers/grid_search/grid_region.hpp"

namespace hpo::grid {

HPO_INLINE bool GridRegion::contains(const Position& position) const {
  for (std::size_t j = 0; j < axes_.size(); ++j)
    if (!axes_[j].inside(position[j])) return false;
  return true;
}

HPO_INLINE std::optional<Position> GridRegion::next_inside(Position from) const {
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

HPO_INLINE std::optional<Position> GridRegion::next_outside(const Position& from) const {
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

HPO_INLINE GridRegion::AxisInside GridRegion::inside_of(const GridAxis& axis, std::size_t parameter,
                                                        const WarmStart& warm) {
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

HPO_INLINE Position GridRegion::with_first_positions(Position position, std::size_t from_axis) {
  for (std::size_t j = from_axis; j < position.size(); ++j) position[j] = 0;
  return position;
}

HPO_INLINE bool GridRegion::smallest_outside_from(std::size_t k, Position& position) const {
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

}  // namespace hpo::grid
