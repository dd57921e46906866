#pragma once
// Bodies of legend.hpp; see core/linkage.hpp.
#include "hpo/report/legend.hpp"

namespace hpo::report {

HPO_INLINE std::string cross_path(Point p, double size) {
  return "M" + px(p.x - size) + " " + px(p.y - size) + "L" + px(p.x + size) + " " + px(p.y + size) + "M" +
         px(p.x - size) + " " + px(p.y + size) + "L" + px(p.x + size) + " " + px(p.y - size);
}

HPO_INLINE std::string triangle_path(Point p, double size) {
  return "M" + px(p.x) + " " + px(p.y - size) + "L" + px(p.x + size) + " " + px(p.y + 0.8 * size) + "L" +
         px(p.x - size) + " " + px(p.y + 0.8 * size) + "Z";
}

HPO_INLINE void draw_mark(SvgWriter& svg, Mark mark, Point p, std::string_view colour) {
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

HPO_INLINE double draw_legend(SvgWriter& svg, const std::vector<LegendEntry>& entries, double x, double y,
                              double right) {
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

HPO_INLINE double legend_height(const std::vector<LegendEntry>& entries, double x, double right) {
  double at = x, rows = entries.empty() ? 0.0 : 1.0;
  for (const auto& entry : entries) {
    const double width = 24.0 + text_width(shorten(entry.label, 90), 12.0) + 18.0;
    if (at > x && at + width > right) at = x, rows += 1.0;
    at += width;
  }
  return rows * 18.0;
}

}  // namespace hpo::report
