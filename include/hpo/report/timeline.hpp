#pragma once
// Timeline: each finished trial as a bar from its start to its end, coloured by its state, one lane
// per worker when the journal names them (Trial::worker), otherwise one lane per trial running at
// the same time (a sequential study is one lane). Bars closer together than a pixel are merged,
// so that a long study stays a few thousand shapes however many trials it has.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/legend.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

namespace detail {
struct Lanes {
  std::vector<std::string> names;
  std::vector<std::vector<std::size_t>> trials;  // per lane, trial numbers by start time
};

inline bool timed(const Trial& t) { return !t.running() && std::isfinite(t.started_at) && std::isfinite(t.duration); }

// One lane per worker (unnamed ones together), or the fewest lanes in which no two trials overlap.
HPO_INLINE Lanes assign_lanes(const StudyDigest& d);

// Seconds, minutes or hours, whichever reads best for the span.
HPO_INLINE std::pair<double, std::string> time_unit(double span);

// A lane's bars. Where trials are packed tighter than the pixels can show, neighbours less than a
// pixel apart are merged into bars of at least 3 pixels, coloured by their most frequent state
// (the tooltip gives the counts).
HPO_INLINE std::size_t draw_lane(SvgWriter& svg, const StudyDigest& d, const std::vector<std::size_t>& trials,
                                 const Axis& x, double y, double height, double unit);
}  // namespace detail

/// The timeline of one study (see the file comment); a short message when no trial has a time.
/// Usage: `html += timeline_plot(digest);`
HPO_INLINE std::string timeline_plot(const StudyDigest& d);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/timeline.ipp"
#endif
