#pragma once
// Bodies of study_digest.hpp; see core/linkage.hpp.
#include "hpo/report/study_digest.hpp"

namespace hpo::report {

HPO_INLINE std::string trial_tooltip(const Trial& t, std::string_view prefix, bool with_config) {
  std::string text = std::string(prefix) + "trial " + std::to_string(t.number) + ": ";
  if (t.completed())
    text += format_number(t.value, 6);
  else if (t.failed())
    text += "failed (" + shorten(t.error, 80) + ")";
  else if (t.pruned())
    text += "pruned" + (std::isfinite(t.value) ? " at " + format_number(t.value, 6) : std::string());
  else
    text += "running";
  return with_config ? text + " \u2014 " + shorten(t.config.to_string(), 160) : text;
}

HPO_INLINE Thinning thin(const std::vector<std::size_t>& ranked, std::size_t max_points, std::string_view what) {
  Thinning result;
  if (ranked.size() <= max_points || max_points == 0) {
    result.drawn = ranked;
  } else {
    const std::size_t best = std::max<std::size_t>(max_points / 10, 1), rest = max_points - best;
    result.drawn.assign(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(best));
    std::vector<std::size_t> others(ranked.begin() + static_cast<std::ptrdiff_t>(best), ranked.end());
    std::sort(others.begin(), others.end());
    for (std::size_t k = 0; k < rest; ++k) result.drawn.push_back(others[k * others.size() / rest]);
    result.note = "showing " + std::to_string(max_points) + " of " + std::to_string(ranked.size()) + " " +
                  std::string(what) + ": the best " + std::to_string(best) + " and an even spread of the rest";
    result.short_note = "showing " + std::to_string(max_points) + " of " + std::to_string(ranked.size());
  }
  std::sort(result.drawn.begin(), result.drawn.end());
  return result;
}

HPO_INLINE StudyDigest StudyDigest::of(const Study& study, std::string name, std::size_t index,
                                       const ReportOptions& options) {
  StudyDigest d;
  d.study = &study;
  d.index = index;
  d.name = std::move(name);
  d.colour = std::string(palette::study(index));
  bool timed = false;
  for (const auto& t : study.trials()) {
    if (t.completed()) d.completed.push_back(t.number);
    d.has_intermediate |= !t.intermediate.empty();
    d.has_workers |= !t.worker.empty();
    if (t.running() || !std::isfinite(t.started_at) || !std::isfinite(t.duration)) continue;
    d.first_start = timed ? std::min(d.first_start, t.started_at) : t.started_at;
    d.last_end = timed ? std::max(d.last_end, t.started_at + t.duration) : t.started_at + t.duration;
    timed = true;
  }
  d.ranked = d.completed;
  std::stable_sort(d.ranked.begin(), d.ranked.end(), [&](std::size_t a, std::size_t b) {
    return study.better(study.trial(a).value, study.trial(b).value);
  });
  d.drawn = thin(d.ranked, options.max_points, "completed trials");
  return d;
}

HPO_INLINE std::vector<double> StudyDigest::rank_fractions() const {
  std::vector<double> fraction(study->trials().size(), 0.0);
  const double n = static_cast<double>(std::max<std::size_t>(ranked.size(), 2) - 1);
  for (std::size_t r = 0; r < ranked.size(); ++r) fraction[ranked[r]] = static_cast<double>(r) / n;
  return fraction;
}

HPO_INLINE std::vector<std::string> study_names(const std::vector<const Study*>& studies,
                                                const std::vector<std::string>& given) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    std::string name = i < given.size() ? given[i] : std::string();
    if (name.empty() && !studies[i]->origin().empty())
      name = std::filesystem::path(studies[i]->origin()).filename().string();
    if (name.empty()) name = "study " + std::to_string(i + 1);
    std::string unique = name;
    for (int k = 2; std::find(names.begin(), names.end(), unique) != names.end(); ++k)
      unique = name + " (" + std::to_string(k) + ")";
    names.push_back(unique);
  }
  return names;
}

}  // namespace hpo::report
