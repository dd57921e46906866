#pragma once
// Legends and the marks they explain: dots, lines, crosses (failed trials) and triangles (pruned
// trials), laid out left to right and wrapped into rows so that no entry overlaps another.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "hpo/report/svg.hpp"

namespace hpo::report {

/// The shape a legend entry shows, as drawn in the plot.
/// Usage: `LegendEntry{Mark::Cross, "#D55E00", "failed"}`
enum class Mark { Dot, Line, DashedLine, Cross, Triangle, Swatch };

/// One legend entry: its mark, colour and text.
/// Usage: `std::vector<LegendEntry> legend{{Mark::Dot, colour, "cold"}};`
struct LegendEntry {
  Mark mark = Mark::Dot;
  std::string colour;
  std::string label;
};

/// Path data of a cross centred at p (a failed trial).
/// Usage: `svg.path(cross_path(at), "failed-mark", palette::failed);`
inline std::string cross_path(Point p, double size = 4.0) {
  return "M" + px(p.x - size) + " " + px(p.y - size) + "L" + px(p.x + size) + " " + px(p.y + size) + "M" +
         px(p.x - size) + " " + px(p.y + size) + "L" + px(p.x + size) + " " + px(p.y - size);
}

/// Path data of an upward triangle centred at p (a pruned trial).
/// Usage: `svg.path(triangle_path(at), "pruned-mark", colour);`
inline std::string triangle_path(Point p, double size = 4.5) {
  return "M" + px(p.x) + " " + px(p.y - size) + "L" + px(p.x + size) + " " + px(p.y + 0.8 * size) + "L" +
         px(p.x - size) + " " + px(p.y + 0.8 * size) + "Z";
}

/// Draws a legend's mark centred at p (classes "legend-mark ...", apart from the plots' own marks).
/// Usage: `draw_mark(svg, Mark::Dot, {x, y}, colour);`
inline void draw_mark(SvgWriter& svg, Mark mark, Point p, std::string_view colour) {
  switch (mark) {
    case Mark::Dot:
      svg.circle(p, 3.5, "legend-mark", colour);
      break;
    case Mark::Line:
      svg.line({p.x - 9, p.y}, {p.x + 9, p.y}, "legend-mark line", colour);
      break;
    case Mark::DashedLine:
      svg.line({p.x - 9, p.y}, {p.x + 9, p.y}, "legend-mark line dashed", colour);
      break;
    case Mark::Cross:
      svg.path(cross_path(p), "legend-mark cross", colour);
      break;
    case Mark::Triangle:
      svg.path(triangle_path(p), "legend-mark triangle", colour);
      break;
    case Mark::Swatch:
      svg.rect(p.x - 7, p.y - 6, 14, 12, "legend-mark", colour);
      break;
  }
}

/// Lays the entries out from (x, y) rightwards, wrapping past `right`; returns the height used.
/// Each entry is a group of class "legend-entry".
/// Usage: `double h = draw_legend(svg, entries, frame.left, 16, frame.right);`
inline double draw_legend(SvgWriter& svg, const std::vector<LegendEntry>& entries, double x, double y, double right) {
  const double row_height = 18.0;
  double at = x, row = 0.0;
  for (const auto& entry : entries) {
    const std::string label = shorten(entry.label, 90);
    const double width = 24.0 + text_width(label, 12.0) + 18.0;
    if (at > x && at + width > right) {
      at = x;
      row += row_height;
    }
    svg.begin_group("legend-entry", label == entry.label ? std::string_view{} : std::string_view(entry.label));
    draw_mark(svg, entry.mark, {at + 9, y + row}, entry.colour);
    svg.text({at + 24, y + row + 4}, label, Anchor::Start, "legend-label");
    svg.end_group();
    at += width;
  }
  return entries.empty() ? 0.0 : row + row_height;
}

/// Height draw_legend will use, without drawing (to size a plot before drawing it).
/// Usage: `frame.top = 28 + legend_height(entries, frame.left, frame.right);`
inline double legend_height(const std::vector<LegendEntry>& entries, double x, double right) {
  double at = x, rows = entries.empty() ? 0.0 : 1.0;
  for (const auto& entry : entries) {
    const double width = 24.0 + text_width(shorten(entry.label, 90), 12.0) + 18.0;
    if (at > x && at + width > right) at = x, rows += 1.0;
    at += width;
  }
  return rows * 18.0;
}

}  // namespace hpo::report
