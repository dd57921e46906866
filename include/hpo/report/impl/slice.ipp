#pragma once
// Bodies of slice.hpp; see core/linkage.hpp.
#include "hpo/report/slice.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE double jitter(std::size_t number) {
  return static_cast<double>((static_cast<std::uint64_t>(number) * 2654435761ULL) % 1000) / 1000.0 - 0.5;
}

HPO_INLINE std::string slice_svg(const StudyDigest& d, std::size_t k, const std::vector<double>& values,
                                 const Thinning& drawn, const ReportOptions& options) {
  const Parameter& p = d.study->space().parameters()[k];
  const double width = 348.0, height = 262.0;
  Frame frame{0.0, 34.0, width - 12.0, height - 50.0};
  const Axis y = Axis::values(values, frame.bottom, frame.top);
  frame.left = std::max(58.0, y_axis_room(y));
  const Axis x = Axis::parameter(p, frame.left, frame.right);
  SvgWriter svg(width, height, d.id("slice-" + std::to_string(k)), "Slice of " + d.name + " along " + p.name);
  const std::string title = p.name + (p.scale == Scale::Log && p.is_numeric() ? " (log scale)" : "");
  const std::string shown = shorten(title, static_cast<std::size_t>(frame.width() / 7.8));
  svg.text({(frame.left + frame.right) / 2, 18}, shown, Anchor::Middle, "plot-title", 0.0,
           shown == title ? std::string_view{} : std::string_view(title));
  draw_y_axis(svg, y, frame, options.value_label);
  draw_x_axis(svg, x, frame, "");
  const double last = static_cast<double>(std::max<std::size_t>(d.study->trials().size(), 2) - 1);
  const double spread = p.kind == ParameterKind::Categorical ? 0.6 * x.band() : 0.0;
  // Dots grouped by colour (16 shades of trial order): the colour is written once per group.
  std::vector<std::string> groups(16);
  for (const std::size_t n : drawn.drawn) {
    const Trial& t = d.trial(n);
    const double at = x(Axis::coordinate(p, t.config.value(p.name))) + spread * jitter(n);
    const auto shade = std::min<std::size_t>(static_cast<std::size_t>(static_cast<double>(n) / last * 16.0), 15);
    groups[shade] += "<circle cx=\"" + px(at) + "\" cy=\"" + px(y(t.value)) + "\" r=\"2.6\"/>";
  }
  for (std::size_t shade = 0; shade < groups.size(); ++shade)
    if (!groups[shade].empty())
      svg.raw("<g class=\"slice-points\" fill=\"" + palette::trial_order((static_cast<double>(shade) + 0.5) / 16.0) +
              "\">" + groups[shade] + "</g>\n");
  if (!drawn.short_note.empty()) svg.text({frame.right, frame.bottom + 38}, drawn.short_note, Anchor::End, "note");
  return svg.finish();
}

}  // namespace detail

HPO_INLINE std::string slice_plots(const StudyDigest& d, const ReportOptions& options) {
  std::vector<double> values;
  for (const std::size_t n : d.completed) values.push_back(d.trial(n).value);
  // Small plots saturate sooner: half the points of a full-width one.
  const Thinning drawn = thin(d.ranked, std::max<std::size_t>(options.max_points / 2, 1), "completed trials");
  std::string out;
  for (std::size_t k = 0; k < d.study->space().size(); ++k) out += detail::slice_svg(d, k, values, drawn, options);
  return out;
}

}  // namespace hpo::report
