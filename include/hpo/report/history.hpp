#pragma once
// Optimization history: every trial's value by trial number, failed trials as crosses on a rug below
// the plot, pruned ones as triangles, and each study's running best as a step line. Several studies
// share the axes, one colour each: cold against warm is the picture of what a transfer bought.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/legend.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

namespace detail {
// A pruned trial's value to draw: its recorded value, else its last intermediate value.
HPO_INLINE double pruned_value(const Trial& t);

HPO_INLINE std::vector<LegendEntry> history_legend(const std::vector<StudyDigest>& studies, bool failed, bool pruned);

// The running best as a step line: flat until the next improvement, drawn to the last trial.
HPO_INLINE std::string running_best_path(const StudyDigest& d, const Axis& x, const Axis& y);

// Failed and pruned trials, an even spread of at most `most` of them, and what was left out.
HPO_INLINE Thinning marked_trials(const StudyDigest& d, std::size_t most);

// One study's marks (failed and pruned first, beneath), dots and running best; returns the notes
// on what was left out.
HPO_INLINE std::string draw_study_history(SvgWriter& svg, const StudyDigest& d, const Axis& x, const Axis& y,
                                          double rug, std::size_t budget, const std::string& prefix);
}  // namespace detail

/// The optimization history of one or more studies of one space (see the file comment).
/// Usage: `std::string svg = history_plot({StudyDigest::of(study, "run", 0, options)}, options);`
HPO_INLINE std::string history_plot(const std::vector<StudyDigest>& studies, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/history.ipp"
#endif
