#pragma once
// Parallel coordinates: one vertical axis per parameter (log for log parameters, categories as named
// ticks) and one for the value; each completed trial is a line through its values, coloured by its
// rank (dark: best), the best drawn last so that they stay on top.

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/history.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

namespace detail {
// A vertical axis at x: line, ticks, labels on its left (shortened to `room` pixels), name on top
// (raised by `raise` pixels when it would collide with its neighbour's).
HPO_INLINE void draw_vertical_axis(SvgWriter& svg, const Axis& axis, double x, double top, double bottom,
                                   const std::string& name, double room, double raise);

// What the plot leaves out: the thinning, and the trials without a final value.
HPO_INLINE std::string undrawn_note(const StudyDigest& d);

HPO_INLINE void draw_rank_legend(SvgWriter& svg, double right, double y);
}  // namespace detail

/// Parallel coordinates of one study's completed trials (see the file comment).
/// Usage: `std::string svg = parallel_coordinates_plot(digest, options);`
HPO_INLINE std::string parallel_coordinates_plot(const StudyDigest& d, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/parallel_coordinates.ipp"
#endif
