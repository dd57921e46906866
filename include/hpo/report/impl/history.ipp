#pragma once
// Bodies of history.hpp; see core/linkage.hpp.
#include "hpo/report/history.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE double pruned_value(const Trial& t) {
  if (std::isfinite(t.value)) return t.value;
  return t.intermediate.empty() ? std::nan("") : t.intermediate.rbegin()->second;
}

HPO_INLINE std::vector<LegendEntry> history_legend(const std::vector<StudyDigest>& studies, bool failed, bool pruned) {
  std::vector<LegendEntry> entries;
  for (const auto& d : studies) {
    std::string label = d.name + ": " + std::to_string(d.study->trials().size()) + " trials";
    if (!d.ranked.empty())
      label += ", best " + format_number(d.trial(d.ranked.front()).value, 5) + " (trial " +
               std::to_string(d.ranked.front()) + ")";
    entries.push_back({Mark::Dot, d.colour, label});
  }
  entries.push_back({Mark::Line, "#444444", "running best"});
  if (failed) entries.push_back({Mark::Cross, std::string(palette::failed), "failed"});
  if (pruned) entries.push_back({Mark::Triangle, "#444444", "pruned"});
  return entries;
}

HPO_INLINE std::string running_best_path(const StudyDigest& d, const Axis& x, const Axis& y) {
  std::string path;
  double best = 0.0;
  bool any = false;
  for (const std::size_t n : d.completed) {
    const double v = d.trial(n).value;
    if (any && !d.study->better(v, best)) continue;
    path += any ? "H" + px(x(static_cast<double>(n))) + "V" + px(y(v))
                : "M" + px(x(static_cast<double>(n))) + " " + px(y(v));
    best = v;
    any = true;
  }
  if (any) path += "H" + px(x(static_cast<double>(d.study->trials().size() - 1)));
  return path;
}

HPO_INLINE Thinning marked_trials(const StudyDigest& d, std::size_t most) {
  std::vector<std::size_t> marked;
  for (const auto& t : d.study->trials())
    if (t.failed() || t.pruned()) marked.push_back(t.number);
  Thinning result;
  if (marked.size() <= most) {
    result.drawn = std::move(marked);
    return result;
  }
  for (std::size_t k = 0; k < most; ++k) result.drawn.push_back(marked[k * marked.size() / most]);
  result.note =
      "showing " + std::to_string(most) + " of " + std::to_string(marked.size()) + " failed and pruned trials";
  return result;
}

HPO_INLINE std::string draw_study_history(SvgWriter& svg, const StudyDigest& d, const Axis& x, const Axis& y,
                                          double rug, std::size_t budget, const std::string& prefix) {
  svg.begin_group("study-history");
  const Thinning marked = marked_trials(d, std::max<std::size_t>(budget / 4, 1));
  for (const std::size_t n : marked.drawn) {
    const Trial& t = d.trial(n);
    const double v = t.pruned() ? pruned_value(t) : std::nan("");
    const Point at{x(static_cast<double>(t.number)), std::isfinite(v) ? y(v) : rug};
    if (t.failed())
      svg.path(cross_path(at), "failed-mark", palette::failed, {}, trial_tooltip(t, prefix));
    else
      svg.path(triangle_path(at), "pruned-mark", d.colour, {}, trial_tooltip(t, prefix));
  }
  const Thinning drawn = thin(d.ranked, budget, "completed trials");
  for (const std::size_t n : drawn.drawn)
    svg.circle({x(static_cast<double>(n)), y(d.trial(n).value)}, 3.0, "dot", d.colour,
               trial_tooltip(d.trial(n), prefix, true));
  if (const auto path = running_best_path(d, x, y); !path.empty()) svg.path(path, "best-line", d.colour);
  svg.end_group();
  return drawn.note + (!drawn.note.empty() && !marked.note.empty() ? "; " : "") + marked.note;
}

}  // namespace detail

HPO_INLINE std::string history_plot(const std::vector<StudyDigest>& studies, const ReportOptions& options) {
  std::vector<double> values;
  std::size_t longest = 1;
  bool failed = false, pruned = false, rug = false;
  for (const auto& d : studies) {
    longest = std::max(longest, d.study->trials().size());
    for (const auto& t : d.study->trials()) {
      if (t.completed()) values.push_back(t.value);
      failed |= t.failed();
      pruned |= t.pruned();
      if (t.pruned() && std::isfinite(detail::pruned_value(t))) values.push_back(detail::pruned_value(t));
      rug |= t.failed() || (t.pruned() && !std::isfinite(detail::pruned_value(t)));
    }
  }
  const double width = 1060.0;
  const auto legend = detail::history_legend(studies, failed, pruned);
  const double legend_rows = legend_height(legend, 70.0, width - 20.0);
  Frame frame{0.0, 28.0 + legend_rows, width - 20.0, 28.0 + legend_rows + 290.0};
  const Axis y = Axis::values(values, frame.bottom, frame.top);
  frame.left = std::max(64.0, y_axis_room(y));
  const Axis x = Axis::linear(0.0, static_cast<double>(std::max<std::size_t>(longest - 1, 1)), frame.left, frame.right,
                              true, true);
  const double rug_y = frame.bottom + 14.0, axis_y = rug ? frame.bottom + 26.0 : frame.bottom;
  SvgWriter svg(width, axis_y + 48.0, "history-plot", "Optimization history");
  draw_legend(svg, legend, frame.left, 16.0, frame.right);
  const bool minimize = studies.empty() || studies.front().study->direction() == Direction::Minimize;
  draw_y_axis(svg, y, frame, options.value_label + (minimize ? " (lower is better)" : " (higher is better)"));
  draw_x_axis(svg, x, frame, "trial number", axis_y);
  if (rug) svg.text({frame.left - 8, rug_y + 4}, "no value", Anchor::End, "tick-label");
  const std::size_t budget = std::max<std::size_t>(options.max_points / std::max<std::size_t>(studies.size(), 1), 1);
  std::string note;
  for (const auto& d : studies) {
    const std::string left_out =
        detail::draw_study_history(svg, d, x, y, rug_y, budget, studies.size() > 1 ? d.name + ", " : "");
    if (note.empty()) note = left_out;
  }
  draw_note(svg, frame, studies.size() > 1 && !note.empty() ? "each study: " + note : note);
  return svg.finish();
}

}  // namespace hpo::report
