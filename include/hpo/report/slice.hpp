#pragma once
// Slice plots: for each parameter, every completed trial's value against that parameter's value
// (log axes for log parameters, one band per category, slightly spread so that dots do not hide
// each other), coloured by trial number (light: early, dark: late), all on the same value axis.
// Being small, they draw at most half of ReportOptions::max_points.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
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
// A deterministic spread in [-0.5, 0.5) from a trial number (Knuth's multiplicative hash).
HPO_INLINE double jitter(std::size_t number);

HPO_INLINE std::string slice_svg(const StudyDigest& d, std::size_t k, const std::vector<double>& values,
                                 const Thinning& drawn, const ReportOptions& options);
}  // namespace detail

/// One slice plot per parameter of one study, concatenated (see the file comment).
/// Usage: `html += "<div class=\"small-multiples\">" + slice_plots(digest, options) + "</div>";`
HPO_INLINE std::string slice_plots(const StudyDigest& d, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/slice.ipp"
#endif
