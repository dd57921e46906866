#pragma once
// Bodies of parallel_coordinates.hpp; see core/linkage.hpp.
#include "hpo/report/parallel_coordinates.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE void draw_vertical_axis(SvgWriter& svg, const Axis& axis, double x, double top, double bottom,
                                   const std::string& name, double room, double raise) {
  svg.begin_group("axis pc-axis");
  svg.line({x, top}, {x, bottom}, "domain");
  const auto characters = static_cast<std::size_t>(std::max(room / 6.6, 3.0));
  for (const auto& tick : axis.labelled_ticks(true)) {
    const double y = axis(tick.value);
    svg.line({x - 4, y}, {x, y}, "tick");
    const std::string label = shorten(tick.label, characters);
    svg.text({x - 6, y + 4}, label, Anchor::End, "tick-label halo", 0.0,
             label == tick.label ? std::string_view{} : tick.label);
  }
  const std::string title = shorten(name, static_cast<std::size_t>(std::max(2.0 * room / 7.2, 4.0)));
  svg.text({x, top - 14 - raise}, title, Anchor::Middle, "axis-title", 0.0, title == name ? std::string_view{} : name);
  svg.end_group();
}

HPO_INLINE std::string undrawn_note(const StudyDigest& d) {
  std::size_t failed = 0, pruned = 0, running = 0;
  for (const auto& t : d.study->trials()) failed += t.failed(), pruned += t.pruned(), running += t.running();
  std::string note = d.drawn.note, left_out;
  for (const auto& [count, what] :
       {std::pair{failed, "failed"}, std::pair{pruned, "pruned"}, std::pair{running, "running"}})
    if (count > 0) left_out += (left_out.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  if (!left_out.empty()) note += (note.empty() ? "not drawn: " : "; not drawn: ") + left_out + " trials";
  return note;
}

HPO_INLINE void draw_rank_legend(SvgWriter& svg, double right, double y) {
  svg.text({right - 232, y + 4}, "colour: rank of the value \u2014 best", Anchor::End, "note");
  for (int k = 0; k < 10; ++k) svg.rect(right - 226 + 20.0 * k, y - 6, 20, 12, "swatch", palette::viridis(k / 9.0));
  svg.text({right - 20, y + 4}, "worst", Anchor::Start, "note");
}

}  // namespace detail

HPO_INLINE std::string parallel_coordinates_plot(const StudyDigest& d, const ReportOptions& options) {
  const auto& parameters = d.study->space().parameters();
  const double width = 1060.0, left = 96.0, right = 990.0;
  const std::size_t axes = parameters.size() + 1;
  const double spacing = (right - left) / static_cast<double>(std::max<std::size_t>(axes - 1, 1));
  const auto axis_x = [&](std::size_t k) {
    return axes == 1 ? (left + right) / 2 : left + spacing * static_cast<double>(k);
  };
  const auto name_of = [&](std::size_t k) { return k < parameters.size() ? parameters[k].name : options.value_label; };
  bool crowded = false;
  for (std::size_t k = 0; k < axes; ++k) crowded |= text_width(name_of(k), 12.0) > spacing - 8.0;
  const double top = crowded ? 62.0 : 46.0, bottom = top + 300.0;
  std::vector<Axis> scales;
  for (const auto& p : parameters) scales.push_back(Axis::parameter(p, bottom, top));
  std::vector<double> values;
  for (const std::size_t n : d.completed) values.push_back(d.trial(n).value);
  scales.push_back(Axis::values(values, bottom, top));

  SvgWriter svg(width, bottom + 68.0, d.id("parallel"), "Parallel coordinates of " + d.name);
  std::vector<std::size_t> order = d.drawn.drawn;
  const auto rank = d.rank_fractions();
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rank[a] > rank[b]; });  // worst first
  svg.begin_group("traces");
  for (const std::size_t n : order) {
    const Trial& t = d.trial(n);
    std::vector<Point> points;
    for (std::size_t k = 0; k < parameters.size(); ++k)
      points.push_back({axis_x(k), scales[k](Axis::coordinate(parameters[k], t.config.value(parameters[k].name)))});
    points.push_back({axis_x(axes - 1), scales.back()(t.value)});
    svg.polyline(points, "trace", palette::viridis(rank[n]), trial_tooltip(t));
  }
  svg.end_group();
  // Axes over the lines, their labels haloed in white, so that dense traces do not hide them.
  for (std::size_t k = 0; k < axes; ++k)
    detail::draw_vertical_axis(svg, scales[k], axis_x(k), top, bottom, name_of(k), std::min(spacing - 10.0, 90.0),
                               crowded && k % 2 ? 16.0 : 0.0);
  detail::draw_rank_legend(svg, width - 40, bottom + 36);
  svg.text({24, bottom + 60}, detail::undrawn_note(d), Anchor::Start, "note");
  return svg.finish();
}

}  // namespace hpo::report
