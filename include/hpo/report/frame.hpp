#pragma once
// The frame of a plot: its drawing area, and its axes drawn with ticks, grid lines, tick labels
// that do not overlap (shortened or thinned where needed) and a title with the unit.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

/// The drawing area of a plot, in pixels of its SVG.
/// Usage: `Frame frame{64, 30, 1040, 300}; Axis x = Axis::linear(0, 1, frame.left, frame.right);`
struct Frame {
  double left = 0.0, top = 0.0, right = 0.0, bottom = 0.0;
  double width() const noexcept { return right - left; }
  double height() const noexcept { return bottom - top; }
};

namespace detail {
// A category name shortened to its band's width (at least 3 characters; thinning does the rest).
HPO_INLINE std::string fitted_label(const Axis& axis, const Tick& tick, double room);
}  // namespace detail

/// The x axis along the bottom of `frame` at height `y` (frame.bottom when negative): line, ticks,
/// vertical grid lines, labels and the title below them.
/// Usage: `draw_x_axis(svg, x, frame, "trial");`
HPO_INLINE void draw_x_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title,
                            double y = -1.0, bool grid = true);

/// Room the y axis needs left of the frame for its tick labels and title, in pixels; a plot sets
/// its frame's left edge to at least this.
/// Usage: `frame.left = std::max(64.0, y_axis_room(y));`
HPO_INLINE double y_axis_room(const Axis& axis);

/// The y axis along the left of `frame`: line, ticks, horizontal grid lines, labels and the title,
/// rotated, left of the widest label.
/// Usage: `draw_y_axis(svg, y, frame, "validation loss");`
HPO_INLINE void draw_y_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title,
                            bool grid = true);

/// A plot's remark (e.g. that it draws a sample of the trials), small, at the top right of the frame.
/// Usage: `draw_note(svg, frame, thinning.note);`
HPO_INLINE void draw_note(SvgWriter& svg, const Frame& frame, std::string_view note);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/frame.ipp"
#endif
