#pragma once
// Legends and the marks they explain: dots, lines, crosses (failed trials) and triangles (pruned
// trials), laid out left to right and wrapped into rows so that no entry overlaps another.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "hpo/core/linkage.hpp"
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
HPO_INLINE std::string cross_path(Point p, double size = 4.0);

/// Path data of an upward triangle centred at p (a pruned trial).
/// Usage: `svg.path(triangle_path(at), "pruned-mark", colour);`
HPO_INLINE std::string triangle_path(Point p, double size = 4.5);

/// Draws a legend's mark centred at p (classes "legend-mark ...", apart from the plots' own marks).
/// Usage: `draw_mark(svg, Mark::Dot, {x, y}, colour);`
HPO_INLINE void draw_mark(SvgWriter& svg, Mark mark, Point p, std::string_view colour);

/// Lays the entries out from (x, y) rightwards, wrapping past `right`; returns the height used.
/// Each entry is a group of class "legend-entry".
/// Usage: `double h = draw_legend(svg, entries, frame.left, 16, frame.right);`
HPO_INLINE double draw_legend(SvgWriter& svg, const std::vector<LegendEntry>& entries, double x, double y,
                              double right);

/// Height draw_legend will use, without drawing (to size a plot before drawing it).
/// Usage: `frame.top = 28 + legend_height(entries, frame.left, frame.right);`
HPO_INLINE double legend_height(const std::vector<LegendEntry>& entries, double x, double right);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/legend.ipp"
#endif
