#pragma once
// What a reported intermediate value may be: one rule for Study::report and hpo::Reporter.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/study/trial.hpp"

namespace hpo::detail {

/// What becomes of a report: recorded, ignored (its step was reported before: the first value
/// stands, so a pruner's decision taken on it stays valid), or the trial fails (a NaN or infinite
/// value: nothing sensible can be compared with it, and a diverged run should not go on).
enum class ReportFate { Record, Ignore, Fail };

/// Throws std::invalid_argument naming the step for a negative step or one below the trial's last
/// reported step (steps never decrease); otherwise says what becomes of the report.
HPO_INLINE ReportFate report_fate(const Trial& trial, std::int64_t step, double value, const char* who);

/// The failure a non-finite report gives its trial.
HPO_INLINE std::string report_failure(std::int64_t step, double value);

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/report_rules.ipp"
#endif
