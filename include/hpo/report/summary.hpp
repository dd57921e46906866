#pragma once
// A study in a few lines of text, for a terminal (`hpo-report --summary run.jsonl`): counts, the
// best trials, times, failures, the warm start and the space. No model is fitted: it is instant.

#include <algorithm>
#include <cstddef>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/tables.hpp"
#include "hpo/report/warm_start_view.hpp"

namespace hpo::report {

namespace detail {
HPO_INLINE std::string warm_start_line(const Study& study);
}  // namespace detail

/// The summary of one study (see the file comment), `top` best trials listed.
/// Usage: `std::cout << hpo::report::summary(study, "run.jsonl", 5);`
HPO_INLINE std::string summary(const Study& study, const std::string& name, std::size_t top = 5);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/summary.ipp"
#endif
