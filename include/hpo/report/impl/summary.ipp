#pragma once
// Bodies of summary.hpp; see core/linkage.hpp.
#include "hpo/report/summary.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE std::string warm_start_line(const Study& study) {
  const auto record = study.warm_start_record();
  if (!record || !record->is_object()) return {};
  std::string sources;
  if (record->contains("sources") && (*record)["sources"].is_array())
    for (const auto& s : (*record)["sources"]) {
      sources += (sources.empty() ? "" : ", ") + (s.is_object() && s.contains("origin") && s["origin"].is_string()
                                                      ? s["origin"].get<std::string>()
                                                      : std::string("?"));
      if (const double w = number_or(s, "weight", -1.0); w >= 0.0) sources += " (weight " + format_number(w, 3) + ")";
    }
  std::string parts;
  if (record->contains("parts") && (*record)["parts"].is_array())
    for (const auto& p : (*record)["parts"])
      parts += (parts.empty() ? "" : ", ") + (p.is_string() ? p.get<std::string>() : p.dump());
  return "  warm start: from " + sources + "; parts: " + (parts.empty() ? "none" : parts) + "\n";
}

}  // namespace detail

HPO_INLINE std::string summary(const Study& study, const std::string& name, std::size_t top) {
  const StudyDigest d = StudyDigest::of(study, name, 0, ReportOptions{.max_points = 0});
  std::string text = name + ": " + to_string(study.direction()) + ", " + std::to_string(study.space().size()) +
                     " parameters\n  " + detail::state_counts(study) + "\n";
  if (d.last_end > 0.0)
    text += "  wall time: " + format_duration(d.last_end - d.first_start) + ", first trial started " +
            format_utc(d.first_start) + "\n";
  if (d.ranked.empty()) text += "  no trial completed\n";
  for (std::size_t r = 0; r < std::min(top, d.ranked.size()); ++r) {
    const Trial& t = d.trial(d.ranked[r]);
    text += (r == 0 ? "  best:  " : "         ") + format_number(t.value, 8) + "  trial " + std::to_string(t.number) +
            "  " + t.config.to_string() + "\n";
  }
  for (const auto& [reason, count] : detail::failure_reasons(study, 3))
    text += "  failed: " + std::to_string(count) + " x " + shorten(reason, 160) + "\n";
  text += detail::warm_start_line(study);
  text += "  space:\n";
  for (const auto& p : study.space().parameters()) text += "    " + p.name + "  " + SearchSpace::describe(p) + "\n";
  return text;
}

}  // namespace hpo::report
