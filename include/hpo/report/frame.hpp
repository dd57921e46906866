#pragma once
// The frame of a plot: its drawing area, and its axes drawn with ticks, grid lines, tick labels
// that do not overlap (shortened or thinned where needed) and a title with the unit.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

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
inline std::string fitted_label(const Axis& axis, const Tick& tick, double room) {
  if (axis.scale() != AxisScale::Category) return tick.label;
  const auto characters = static_cast<std::size_t>(std::max(room / 6.6, 3.0));
  return shorten(tick.label, characters);
}
}  // namespace detail

/// The x axis along the bottom of `frame` at height `y` (frame.bottom when negative): line, ticks,
/// vertical grid lines, labels and the title below them.
/// Usage: `draw_x_axis(svg, x, frame, "trial");`
inline void draw_x_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title, double y = -1.0,
                        bool grid = true) {
  if (y < 0.0) y = frame.bottom;
  svg.begin_group("axis x-axis");
  svg.line({frame.left, y}, {frame.right, y}, "domain");
  for (const auto& tick : axis.labelled_ticks(false)) {
    const double x = axis(tick.value);
    if (grid && axis.scale() != AxisScale::Category) svg.line({x, frame.top}, {x, y}, "grid");
    svg.line({x, y}, {x, y + 5}, "tick");
    const std::string label = detail::fitted_label(axis, tick, axis.band() - 4.0);
    svg.text({x, y + 17}, label, Anchor::Middle, "tick-label", 0.0,
             label == tick.label ? std::string_view{} : tick.label);
  }
  if (!title.empty()) svg.text({(frame.left + frame.right) / 2, y + 36}, title, Anchor::Middle, "axis-title");
  svg.end_group();
}

/// Room the y axis needs left of the frame for its tick labels and title, in pixels; a plot sets
/// its frame's left edge to at least this.
/// Usage: `frame.left = std::max(64.0, y_axis_room(y));`
inline double y_axis_room(const Axis& axis) {
  double widest = 0.0;
  for (const auto& tick : axis.labelled_ticks(true)) widest = std::max(widest, text_width(tick.label));
  return 8.0 + widest + 28.0;
}

/// The y axis along the left of `frame`: line, ticks, horizontal grid lines, labels and the title,
/// rotated, left of the widest label.
/// Usage: `draw_y_axis(svg, y, frame, "validation loss");`
inline void draw_y_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title,
                        bool grid = true) {
  svg.begin_group("axis y-axis");
  svg.line({frame.left, frame.top}, {frame.left, frame.bottom}, "domain");
  for (const auto& tick : axis.labelled_ticks(true)) {
    const double y = axis(tick.value);
    if (grid && axis.scale() != AxisScale::Category) svg.line({frame.left, y}, {frame.right, y}, "grid");
    svg.line({frame.left - 5, y}, {frame.left, y}, "tick");
    svg.text({frame.left - 8, y + 4}, tick.label, Anchor::End, "tick-label");
  }
  if (!title.empty()) {
    const double x = frame.left - y_axis_room(axis) + 12.0, y = (frame.top + frame.bottom) / 2;
    const std::string shown = shorten(title, static_cast<std::size_t>(frame.height() / 6.8));
    svg.text({x, y}, shown, Anchor::Middle, "axis-title", -90.0, shown == title ? std::string_view{} : title);
  }
  svg.end_group();
}

/// A plot's remark (e.g. that it draws a sample of the trials), small, at the top right of the frame.
/// Usage: `draw_note(svg, frame, thinning.note);`
inline void draw_note(SvgWriter& svg, const Frame& frame, std::string_view note) {
  if (!note.empty()) svg.text({frame.right, frame.top - 6}, note, Anchor::End, "note");
}

}  // namespace hpo::report
