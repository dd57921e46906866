#pragma once
// What a reported intermediate value may be: one rule for Study::report and hpo::Reporter.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "hpo/study/trial.hpp"

namespace hpo::detail {

/// What becomes of a report: recorded, ignored (its step was reported before: the first value
/// stands, so a pruner's decision taken on it stays valid), or the trial fails (a NaN or infinite
/// value: nothing sensible can be compared with it, and a diverged run should not go on).
enum class ReportFate { Record, Ignore, Fail };

/// Throws std::invalid_argument naming the step for a negative step or one below the trial's last
/// reported step (steps never decrease); otherwise says what becomes of the report.
inline ReportFate report_fate(const Trial& trial, std::int64_t step, double value, const char* who) {
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

/// The failure a non-finite report gives its trial.
inline std::string report_failure(std::int64_t step, double value) {
  return "reported " +
         std::string(std::isnan(value) ? "nan"
                     : value > 0       ? "inf"
                                       : "-inf") +
         " at step " + std::to_string(step);
}

}  // namespace hpo::detail
