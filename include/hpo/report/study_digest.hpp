#pragma once
// What every plot of the report needs to know about one study, computed once: its name and colour,
// its completed trials by number and by rank, which of them the plots draw, and its time span.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "hpo/report/options.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/svg.hpp"
#include "hpo/study/study.hpp"

namespace hpo::report {

/// What a trial's tooltip says: "trial 12: 0.4131", then, when `with_config`, its configuration
/// (cut at 160 characters). Plots whose shapes already show the configuration leave it out: with
/// thousands of trials, tooltips are most of a page's size.
/// Usage: `svg.circle(at, 3, "dot", colour, trial_tooltip(trial, "", true));`
inline std::string trial_tooltip(const Trial& t, std::string_view prefix = {}, bool with_config = false) {
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

/// Which trials a plot draws when there are too many, and the sentence that says so (empty when
/// every one is drawn).
/// Usage: `for (std::size_t n : thinning.drawn) draw(study.trial(n)); draw_note(svg, frame, thinning.note);`
struct Thinning {
  std::vector<std::size_t> drawn;  ///< trial numbers, ascending
  std::string note;                ///< what was left out, in a sentence
  std::string short_note;          ///< the same in a few words, for small plots
};

/// The best `max_points / 10` of `ranked` (trial numbers, best first) and an even spread of the
/// rest, `max_points` in all; every trial when they fit. Deterministic.
/// Usage: `Thinning t = thin(ranked, 2000, "trials");`
inline Thinning thin(const std::vector<std::size_t>& ranked, std::size_t max_points, std::string_view what) {
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

/// One study as the report sees it.
/// Usage: `StudyDigest d = StudyDigest::of(study, "warm", 1, options); for (auto n : d.drawn.drawn) ...`
struct StudyDigest {
  const Study* study = nullptr;
  std::size_t index = 0;  ///< position among the report's studies (element ids: "s<index>-...")
  std::string name;
  std::string colour;
  std::vector<std::size_t> completed;  ///< completed trial numbers, ascending
  std::vector<std::size_t> ranked;     ///< completed trial numbers, best first (ties: lower number first)
  Thinning drawn;                      ///< the completed trials the point plots draw
  double first_start = 0.0;            ///< earliest start of a finished trial (seconds since the epoch)
  double last_end = 0.0;               ///< latest end of a finished trial
  bool has_intermediate = false;
  bool has_workers = false;

  static StudyDigest of(const Study& study, std::string name, std::size_t index, const ReportOptions& options) {
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

  const Trial& trial(std::size_t number) const { return study->trial(number); }
  /// An element id unique in the page: "s<index>-<what>".
  std::string id(std::string_view what) const { return "s" + std::to_string(index) + "-" + std::string(what); }
  /// Where a value ranks among the completed ones, 0 the best and 1 the worst.
  std::vector<double> rank_fractions() const {
    std::vector<double> fraction(study->trials().size(), 0.0);
    const double n = static_cast<double>(std::max<std::size_t>(ranked.size(), 2) - 1);
    for (std::size_t r = 0; r < ranked.size(); ++r) fraction[ranked[r]] = static_cast<double>(r) / n;
    return fraction;
  }
};

/// Names for the studies: the given ones, else each journal's file name, else "study k"; made unique.
/// Usage: `auto names = study_names({&cold, &warm}, options.study_names);`
inline std::vector<std::string> study_names(const std::vector<const Study*>& studies,
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
