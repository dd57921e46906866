#pragma once
// The report's tables: a generic sortable HTML table, the best trials, a study's facts (space,
// direction, counts, times, failures) and the overview of several studies side by side.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

/// One cell: its text, and for a number the value the page's script sorts by.
/// Usage: `Cell{"relu"}`, or `number_cell(0.25)` for a number.
struct Cell {
  std::string text;
  double number = 0.0;
  bool numeric = false;
};

/// A number cell shown with `significant` digits and sorted by its value ("n/a" when not finite).
/// Usage: `row.push_back(number_cell(trial.value, 6));`
HPO_INLINE Cell number_cell(double v, int significant = 5);

/// An HTML table (escaped); class "sortable" lets the page's script sort it by a clicked header.
/// Usage: `html += html_table({"trial", "value"}, {{number_cell(3, 1), number_cell(0.41)}});`
HPO_INLINE std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows,
                                  std::string_view cls = "sortable");

/// A time since the Unix epoch as "2026-11-30 12:34:56 UTC" (the study's own times, never "now").
/// Usage: `format_utc(trial.started_at)`
HPO_INLINE std::string format_utc(double seconds);

/// A duration in seconds as "42.1 s", "3 min 12 s" or "2 h 05 min".
/// Usage: `format_duration(d.last_end - d.first_start)`
HPO_INLINE std::string format_duration(double seconds);

/// A parameter's value in a table: reals with 5 significant digits, integers whole, categories as is.
/// Usage: `row.push_back(value_cell(trial.config.value(p.name)));`
HPO_INLINE Cell value_cell(const Value& v);

/// The `count` best completed trials of a study: rank, trial, value, every parameter, duration and,
/// when known, the worker.
/// Usage: `html += top_trials_table(digest, options.top_trials);`
HPO_INLINE std::string top_trials_table(const StudyDigest& d, std::size_t count);

/// The search space as a table: name, kind, range or categories, scale.
/// Usage: `html += space_table(study.space());`
HPO_INLINE std::string space_table(const SearchSpace& space);

namespace detail {
HPO_INLINE std::string state_counts(const Study& s);

// The most frequent failure reasons with their counts, most frequent first.
HPO_INLINE std::vector<std::pair<std::string, std::size_t>> failure_reasons(const Study& s, std::size_t most);
}  // namespace detail

/// A study's facts as a two-column table: journal, direction, counts, best, times, failures.
/// Usage: `html += facts_table(digest);`
HPO_INLINE std::string facts_table(const StudyDigest& d);

/// Several studies side by side: counts, best value and when it was reached, wall time.
/// Usage: `html += overview_table(digests);`
HPO_INLINE std::string overview_table(const std::vector<StudyDigest>& studies);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/tables.ipp"
#endif
