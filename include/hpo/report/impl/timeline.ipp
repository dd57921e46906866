#pragma once
// Bodies of timeline.hpp; see core/linkage.hpp.
#include "hpo/report/timeline.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE Lanes assign_lanes(const StudyDigest& d) {
  std::vector<std::size_t> order;
  for (const auto& t : d.study->trials())
    if (timed(t)) order.push_back(t.number);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return d.trial(a).started_at < d.trial(b).started_at; });
  Lanes lanes;
  if (d.has_workers) {
    std::map<std::string, std::size_t> lane_of;
    for (const std::size_t n : order) lane_of.emplace(d.trial(n).worker.empty() ? "(unnamed)" : d.trial(n).worker, 0);
    for (auto& [name, lane] : lane_of) lane = lanes.names.size(), lanes.names.push_back(name);
    lanes.trials.resize(lanes.names.size());
    for (const std::size_t n : order)
      lanes.trials[lane_of.at(d.trial(n).worker.empty() ? "(unnamed)" : d.trial(n).worker)].push_back(n);
    return lanes;
  }
  std::vector<double> free_at;
  for (const std::size_t n : order) {
    const Trial& t = d.trial(n);
    std::size_t lane = 0;
    while (lane < free_at.size() && free_at[lane] > t.started_at + 1e-9) ++lane;
    if (lane == free_at.size())
      free_at.push_back(0.0), lanes.trials.emplace_back(), lanes.names.push_back("lane " + std::to_string(lane + 1));
    free_at[lane] = t.started_at + t.duration;
    lanes.trials[lane].push_back(n);
  }
  return lanes;
}

HPO_INLINE std::pair<double, std::string> time_unit(double span) {
  if (span >= 2 * 3600.0) return {3600.0, "h"};
  if (span >= 180.0) return {60.0, "min"};
  return {1.0, "s"};
}

HPO_INLINE std::size_t draw_lane(SvgWriter& svg, const StudyDigest& d, const std::vector<std::size_t>& trials,
                                 const Axis& x, double y, double height, double unit) {
  const auto start_of = [&](std::size_t n) { return x((d.trial(n).started_at - d.first_start) / unit); };
  const auto end_of = [&](std::size_t n) {
    return x((d.trial(n).started_at + d.trial(n).duration - d.first_start) / unit);
  };
  std::size_t merged = 0;
  for (std::size_t i = 0; i < trials.size();) {
    const double start = start_of(trials[i]);
    double end = end_of(trials[i]);
    std::size_t j = i + 1, counts[3] = {0, 0, 0};  // completed, pruned, failed
    const auto tally = [&](const Trial& t) { ++counts[t.completed() ? 0 : t.pruned() ? 1 : 2]; };
    tally(d.trial(trials[i]));
    for (; j < trials.size() && start_of(trials[j]) <= end + 1.0 && end - start < 3.0; ++j) {
      end = std::max(end, end_of(trials[j]));
      tally(d.trial(trials[j]));
    }
    const std::size_t most = counts[0] >= counts[1] && counts[0] >= counts[2] ? 0 : counts[1] >= counts[2] ? 1 : 2;
    const std::string_view colour = most == 0 ? palette::completed : most == 1 ? palette::pruned : palette::failed;
    std::string tooltip;
    if (j == i + 1) {
      tooltip = trial_tooltip(d.trial(trials[i])) + " (" + format_number(d.trial(trials[i]).duration, 3) + " s)";
    } else {
      tooltip = "trials " + std::to_string(trials[i]) + " to " + std::to_string(trials[j - 1]) +
                ", merged: " + std::to_string(counts[0]) + " completed, " + std::to_string(counts[1]) + " pruned, " +
                std::to_string(counts[2]) + " failed";
    }
    svg.rect(start, y, std::max(end - start, 1.0), height, "bar", colour, tooltip);
    merged += j - i - 1;
    i = j;
  }
  return merged;
}

}  // namespace detail

HPO_INLINE std::string timeline_plot(const StudyDigest& d) {
  const detail::Lanes lanes = detail::assign_lanes(d);
  const double lane_height =
      std::clamp(320.0 / static_cast<double>(std::max<std::size_t>(lanes.names.size(), 1)), 9.0, 24.0);
  double widest = 0.0;
  for (const auto& name : lanes.names) widest = std::max(widest, text_width(shorten(name, 18)));
  std::vector<LegendEntry> legend;
  const Study& study = *d.study;
  if (study.completed_count() > 0) legend.push_back({Mark::Swatch, std::string(palette::completed), "completed"});
  if (study.pruned_count() > 0) legend.push_back({Mark::Swatch, std::string(palette::pruned), "pruned"});
  if (study.failed_count() > 0) legend.push_back({Mark::Swatch, std::string(palette::failed), "failed"});
  const Frame frame{std::max(70.0, widest + 20.0), 44.0, 1040.0,
                    44.0 + lane_height * static_cast<double>(std::max<std::size_t>(lanes.names.size(), 1))};
  const auto [unit, unit_name] = detail::time_unit(d.last_end - d.first_start);
  const Axis x = Axis::linear(0.0, std::max((d.last_end - d.first_start) / unit, 1e-3), frame.left, frame.right);
  SvgWriter svg(1060.0, frame.bottom + 50.0, d.id("timeline"), "Timeline of " + d.name);
  draw_legend(svg, legend, frame.left, 16.0, frame.right);
  draw_x_axis(svg, x, frame, "time since the first trial started (" + unit_name + ")");
  std::size_t merged = 0;
  svg.begin_group("lanes");
  for (std::size_t k = 0; k < lanes.names.size(); ++k) {
    const double y = frame.top + lane_height * static_cast<double>(k);
    const std::string label = shorten(lanes.names[k], 18);
    svg.text({frame.left - 8, y + lane_height / 2 + 4}, label, Anchor::End, "tick-label", 0.0,
             label == lanes.names[k] ? std::string_view{} : std::string_view(lanes.names[k]));
    merged += detail::draw_lane(svg, d, lanes.trials[k], x, y + 1.5, lane_height - 3.0, unit);
  }
  svg.end_group();
  if (merged > 0)
    draw_note(svg, frame,
              std::to_string(merged) + (merged == 1 ? " trial" : " trials") +
                  " merged with neighbours less than a pixel apart; a merged bar takes its most frequent state");
  return svg.finish();
}

}  // namespace hpo::report
