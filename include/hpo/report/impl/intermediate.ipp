#pragma once
// Bodies of intermediate.hpp; see core/linkage.hpp.
#include "hpo/report/intermediate.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE std::vector<std::size_t> ranked_by_progress(const StudyDigest& d) {
  std::vector<std::size_t> ranked;
  for (const auto& t : d.study->trials())
    if (!t.intermediate.empty()) ranked.push_back(t.number);
  const auto final_value = [&](std::size_t n) {
    const Trial& t = d.trial(n);
    return t.completed() ? t.value : t.intermediate.rbegin()->second;
  };
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](std::size_t a, std::size_t b) { return d.study->better(final_value(a), final_value(b)); });
  return ranked;
}

HPO_INLINE std::string_view progress_colour(const Trial& t) {
  return t.pruned() ? palette::pruned : t.failed() ? palette::failed : palette::completed;
}

}  // namespace detail

HPO_INLINE std::string intermediate_plot(const StudyDigest& d, const ReportOptions& options) {
  const auto ranked = detail::ranked_by_progress(d);
  if (ranked.empty()) return {};
  std::vector<double> values;
  double first = 0.0, last = 0.0;
  for (const std::size_t n : ranked)
    for (const auto& [step, value] : d.trial(n).intermediate) {
      values.push_back(value);
      first = values.size() == 1 ? static_cast<double>(step) : std::min(first, static_cast<double>(step));
      last = std::max(last, static_cast<double>(step));
    }
  const std::vector<LegendEntry> legend{{Mark::Line, std::string(palette::completed), "completed"},
                                        {Mark::Triangle, std::string(palette::pruned), "pruned (at its last step)"},
                                        {Mark::Cross, std::string(palette::failed), "failed"}};
  Frame frame{0.0, 48.0, 1040.0, 318.0};
  const Axis y = Axis::values(values, frame.bottom, frame.top);
  frame.left = std::max(64.0, y_axis_room(y));
  const Axis x = Axis::linear(first, std::max(last, first + 1.0), frame.left, frame.right, false, true);
  SvgWriter svg(1060.0, frame.bottom + 48.0, d.id("intermediate"), "Intermediate values of " + d.name);
  draw_legend(svg, legend, frame.left, 16.0, frame.right);
  draw_y_axis(svg, y, frame, options.value_label + " (reported during the trial)");
  draw_x_axis(svg, x, frame, "step");
  const Thinning drawn =
      thin(ranked, std::max<std::size_t>(options.max_points / 4, 1), "trials with intermediate values");
  svg.begin_group("progress");
  for (const std::size_t n : drawn.drawn) {
    const Trial& t = d.trial(n);
    std::vector<Point> points;
    for (const auto& [step, value] : t.intermediate) points.push_back({x(static_cast<double>(step)), y(value)});
    svg.polyline(points, t.pruned() ? "progress pruned" : "progress", detail::progress_colour(t), trial_tooltip(t));
    if (t.pruned()) svg.path(triangle_path(points.back()), "pruned-mark", palette::pruned);
    if (t.failed()) svg.path(cross_path(points.back()), "failed-mark", palette::failed);
  }
  svg.end_group();
  draw_note(svg, frame, drawn.note);
  return svg.finish();
}

}  // namespace hpo::report
