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

#include "hpo/core/linkage.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/svg.hpp"
#include "hpo/study/study.hpp"

namespace hpo::report {

/// What a trial's tooltip says: "trial 12: 0.4131", then, when `with_config`, its configuration
/// (cut at 160 characters). Plots whose shapes already show the configuration leave it out: with
/// thousands of trials, tooltips are most of a page's size.
/// Usage: `svg.circle(at, 3, "dot", colour, trial_tooltip(trial, "", true));`
HPO_INLINE std::string trial_tooltip(const Trial& t, std::string_view prefix = {}, bool with_config = false);

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
HPO_INLINE Thinning thin(const std::vector<std::size_t>& ranked, std::size_t max_points, std::string_view what);

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

  static StudyDigest of(const Study& study, std::string name, std::size_t index, const ReportOptions& options);

  const Trial& trial(std::size_t number) const { return study->trial(number); }
  /// An element id unique in the page: "s<index>-<what>".
  std::string id(std::string_view what) const { return "s" + std::to_string(index) + "-" + std::string(what); }
  /// Where a value ranks among the completed ones, 0 the best and 1 the worst.
  std::vector<double> rank_fractions() const;
};

/// Names for the studies: the given ones, else each journal's file name, else "study k"; made unique.
/// Usage: `auto names = study_names({&cold, &warm}, options.study_names);`
HPO_INLINE std::vector<std::string> study_names(const std::vector<const Study*>& studies,
                                                const std::vector<std::string>& given);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/study_digest.ipp"
#endif
