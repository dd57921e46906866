#pragma once
// Bodies of tables.hpp; see core/linkage.hpp.
#include "hpo/report/tables.hpp"

namespace hpo::report {

HPO_INLINE Cell number_cell(double v, int significant) {
  return {format_number(v, significant), std::isfinite(v) ? v : 0.0, std::isfinite(v)};
}

HPO_INLINE std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows,
                                  std::string_view cls) {
  std::string out = "<div class=\"table-wrap\"><table class=\"" + escape(cls) + "\">\n<thead><tr>";
  for (const auto& header : headers) out += "<th>" + escape(header) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row) {
      if (cell.numeric)
        out += "<td class=\"num\" data-v=\"" + format_number(cell.number, 17) + "\">" + escape(cell.text) + "</td>";
      else
        out += "<td>" + escape(cell.text) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

HPO_INLINE std::string format_utc(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0.0 || seconds > 1e11) return "unknown";
  const auto whole = static_cast<std::int64_t>(std::floor(seconds));
  const std::int64_t days = whole / 86400, rest = whole % 86400;
  // Days to a civil date (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365,
                     doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153, day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2);
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return buffer;
}

HPO_INLINE std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "unknown";
  if (seconds < 120.0) return format_number(seconds, 3) + " s";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buffer[96];
  if (s < 7200)
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", s / 3600, s / 60 % 60);
  return buffer;
}

HPO_INLINE Cell value_cell(const Value& v) {
  if (const auto* x = std::get_if<double>(&v)) return number_cell(*x, 5);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return {std::to_string(*i), static_cast<double>(*i), true};
  return {std::get<std::string>(v)};
}

HPO_INLINE std::string top_trials_table(const StudyDigest& d, std::size_t count) {
  std::vector<std::string> headers{"rank", "trial", "value"};
  for (const auto& p : d.study->space().parameters()) headers.push_back(p.name);
  headers.push_back("duration (s)");
  if (d.has_workers) headers.push_back("worker");
  std::vector<std::vector<Cell>> rows;
  for (std::size_t r = 0; r < std::min(count, d.ranked.size()); ++r) {
    const Trial& t = d.trial(d.ranked[r]);
    std::vector<Cell> row{number_cell(static_cast<double>(r + 1), 17), number_cell(static_cast<double>(t.number), 17),
                          number_cell(t.value, 6)};
    for (const auto& p : d.study->space().parameters()) row.push_back(value_cell(t.config.value(p.name)));
    row.push_back(number_cell(t.duration, 3));
    if (d.has_workers) row.push_back({t.worker});
    rows.push_back(std::move(row));
  }
  return html_table(headers, rows);
}

HPO_INLINE std::string space_table(const SearchSpace& space) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& p : space.parameters()) {
    std::string range;
    if (p.kind == ParameterKind::Categorical) {
      for (const auto& c : p.categories) range += (range.empty() ? "" : ", ") + c;
    } else {
      range = format_number(p.low, 6) + " to " + format_number(p.high, 6);
    }
    rows.push_back(
        {{p.name}, {to_string(p.kind)}, {range}, {p.is_numeric() ? (p.scale == Scale::Log ? "log" : "linear") : ""}});
  }
  return html_table({"parameter", "kind", "range", "scale"}, rows, "plain");
}

namespace detail {

HPO_INLINE std::string state_counts(const Study& s) {
  return std::to_string(s.trials().size()) + " trials: " + std::to_string(s.completed_count()) + " completed, " +
         std::to_string(s.failed_count()) + " failed, " + std::to_string(s.pruned_count()) + " pruned, " +
         std::to_string(s.running_count()) + " running";
}

HPO_INLINE std::vector<std::pair<std::string, std::size_t>> failure_reasons(const Study& s, std::size_t most) {
  std::map<std::string, std::size_t> counts;
  for (const auto& t : s.trials())
    if (t.failed()) ++counts[t.error];
  std::vector<std::pair<std::string, std::size_t>> reasons(counts.begin(), counts.end());
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (reasons.size() > most) reasons.resize(most);
  return reasons;
}

}  // namespace detail

HPO_INLINE std::string facts_table(const StudyDigest& d) {
  const Study& s = *d.study;
  std::vector<std::vector<Cell>> rows{{{"journal"}, {s.origin().empty() ? "(built in memory)" : s.origin()}},
                                      {{"direction"}, {to_string(s.direction())}},
                                      {{"trials"}, {detail::state_counts(s)}}};
  if (!d.ranked.empty()) {
    const Trial& best = d.trial(d.ranked.front());
    rows.push_back(
        {{"best"},
         {format_number(best.value, 8) + " at trial " + std::to_string(best.number) + ": " + best.config.to_string()}});
  }
  if (d.last_end > 0.0) {
    double evaluating = 0.0;
    for (const auto& t : s.trials()) evaluating += t.running() ? 0.0 : t.duration;
    rows.push_back({{"first trial started"}, {format_utc(d.first_start)}});
    rows.push_back(
        {{"wall time"},
         {format_duration(d.last_end - d.first_start) + " (" + format_duration(evaluating) + " evaluating)"}});
  }
  for (const auto& [reason, count] : detail::failure_reasons(s, 3))
    rows.push_back({{"failure"}, {std::to_string(count) + " \u00d7 " + shorten(reason, 200)}});
  return html_table({"", ""}, rows, "facts");
}

HPO_INLINE std::string overview_table(const std::vector<StudyDigest>& studies) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& d : studies) {
    const Study& s = *d.study;
    const double best = d.ranked.empty() ? std::nan("") : d.trial(d.ranked.front()).value;
    rows.push_back({{d.name},
                    number_cell(static_cast<double>(s.trials().size()), 17),
                    number_cell(static_cast<double>(s.completed_count()), 17),
                    number_cell(static_cast<double>(s.failed_count()), 17),
                    number_cell(static_cast<double>(s.pruned_count()), 17),
                    number_cell(best, 6),
                    d.ranked.empty() ? Cell{"n/a"} : number_cell(static_cast<double>(d.ranked.front()), 17),
                    number_cell(d.last_end > 0.0 ? d.last_end - d.first_start : std::nan(""), 3)});
  }
  return html_table(
      {"study", "trials", "completed", "failed", "pruned", "best value", "best at trial", "wall time (s)"}, rows);
}

}  // namespace hpo::report
