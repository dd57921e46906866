#pragma once
// Intermediate values: what each trial reported step by step while it ran (the values a pruner
// judges), one line per trial: completed trials blue, pruned ones reddish purple ending in a
// triangle, failed ones vermillion ending in a cross. Drawn only when the study has such values.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/legend.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

namespace detail {
// Trials with intermediate values, best first by their final (else last reported) value.
HPO_INLINE std::vector<std::size_t> ranked_by_progress(const StudyDigest& d);

HPO_INLINE std::string_view progress_colour(const Trial& t);
}  // namespace detail

/// Intermediate values of one study's trials (see the file comment); an empty string when no trial
/// reported any.
/// Usage: `if (digest.has_intermediate) html += intermediate_plot(digest, options);`
HPO_INLINE std::string intermediate_plot(const StudyDigest& d, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/intermediate.ipp"
#endif
