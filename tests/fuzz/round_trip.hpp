#pragma once
// The property the journal fuzzer checks, shared with the regression test: a journal either loads
// or is refused with an exception, and what loads saves and loads back equal.

#include <hpo/study/study.hpp>

#include <cmath>
#include <cstring>
#include <string>

namespace hpo::fuzz {

inline bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

/// Why `again` (the saved `study`, loaded back) differs from it, or "" when it does not.
inline std::string round_trip_difference(const Study& study, const Study& again) {
  if (!(study.space() == again.space())) return "space";
  if (study.direction() != again.direction()) return "direction";
  std::size_t k = 0;
  for (const auto& trial : study.trials()) {
    if (trial.running()) continue;  // save() keeps finished trials only
    if (k >= again.trials().size()) return "missing trial " + std::to_string(trial.number);
    const auto& other = again.trials()[k++];
    if (trial.state != other.state || !(trial.config == other.config) || !same_value(trial.value, other.value) ||
        trial.error != other.error || trial.intermediate != other.intermediate || trial.worker != other.worker ||
        trial.gradient != other.gradient)
      return "trial " + std::to_string(trial.number);
  }
  if (k != again.trials().size()) return "extra trials";
  if (study.records().size() != again.records().size()) return "records";
  return {};
}

/// Loads `path`; when it loads, saves it to `saved` and loads that back. Returns the difference
/// ("" when none, or when the journal was refused with an exception, as bad input should be).
inline std::string check_journal(const std::string& path, const std::string& saved) {
  Study study(SearchSpace{});
  try {
    study = Study::load(path);
  } catch (const std::exception&) {
    return {};
  }
  study.save(saved);
  return round_trip_difference(study, Study::load(saved));
}

}  // namespace hpo::fuzz
