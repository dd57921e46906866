#pragma once
// Bodies of report_rules.hpp; see core/linkage.hpp.
#include "hpo/pruning/report_rules.hpp"

namespace hpo::detail {

HPO_INLINE ReportFate report_fate(const Trial& trial, std::int64_t step, double value, const char* who) {
  if (step < 0)
    throw std::invalid_argument(std::string(who) + ": trial " + std::to_string(trial.number) +
                                ": step must be >= 0, got " + std::to_string(step));
  if (!trial.intermediate.empty() && step < trial.intermediate.rbegin()->first)
    throw std::invalid_argument(std::string(who) + ": trial " + std::to_string(trial.number) + ": step " +
                                std::to_string(step) + " comes after step " +
                                std::to_string(trial.intermediate.rbegin()->first) + " (steps must not decrease)");
  if (trial.intermediate.contains(step)) return ReportFate::Ignore;
  return std::isfinite(value) ? ReportFate::Record : ReportFate::Fail;
}

HPO_INLINE std::string report_failure(std::int64_t step, double value) {
  return "reported " +
         std::string(std::isnan(value) ? "nan"
                     : value > 0       ? "inf"
                                       : "-inf") +
         " at step " + std::to_string(step);
}

}  // namespace hpo::detail
