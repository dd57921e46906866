#pragma once
// Bodies of frame.hpp; see core/linkage.hpp.
#include "hpo/report/frame.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE std::string fitted_label(const Axis& axis, const Tick& tick, double room) {
  if (axis.scale() != AxisScale::Category) return tick.label;
  const auto characters = static_cast<std::size_t>(std::max(room / 6.6, 3.0));
  return shorten(tick.label, characters);
}

}  // namespace detail

HPO_INLINE void draw_x_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title, double y,
                            bool grid) {
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

HPO_INLINE double y_axis_room(const Axis& axis) {
  double widest = 0.0;
  for (const auto& tick : axis.labelled_ticks(true)) widest = std::max(widest, text_width(tick.label));
  return 8.0 + widest + 28.0;
}

HPO_INLINE void draw_y_axis(SvgWriter& svg, const Axis& axis, const Frame& frame, std::string_view title, bool grid) {
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

HPO_INLINE void draw_note(SvgWriter& svg, const Frame& frame, std::string_view note) {
  if (!note.empty()) svg.text({frame.right, frame.top - 6}, note, Anchor::End, "note");
}

}  // namespace hpo::report
