#pragma once
// See a study: a self-contained HTML report of one or several studies (inline SVG, no network),
// and a short text summary. The plots and tables live in hpo/report/, one per header.
//
//   hpo::write_report(study, "report.html");
//   hpo::write_report({cold, warm}, "compare.html", {.title = "cold vs warm"});
//
// The command-line program hpo-report (tools/hpo_report.cpp) does the same from journals.

#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/page.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/summary.hpp"
#include "hpo/study/study.hpp"

namespace hpo {

/// The report of several studies of one search space and direction as an HTML page (a string):
/// their histories overlaid in one plot, then one section per study. Throws std::invalid_argument
/// when there is no study, or when a study's space or direction differs from the first's (naming
/// the study and the difference). Deterministic: the same studies give the same bytes.
/// Usage: `std::string html = hpo::render_report({&cold, &warm}, {.title = "cold vs warm"});`
HPO_INLINE std::string render_report(const std::vector<const Study*>& studies, const ReportOptions& options = {});

/// Writes the report of one study to an HTML file (see render_report).
/// Usage: `hpo::write_report(study, "report.html");`
HPO_INLINE void write_report(const Study& study, const std::string& path, const ReportOptions& options = {});

/// Writes the report of several studies of one space, overlaid, to an HTML file.
/// Usage: `hpo::write_report({cold, warm}, "compare.html");`
HPO_INLINE void write_report(std::initializer_list<std::reference_wrapper<const Study>> studies,
                             const std::string& path, const ReportOptions& options = {});

/// Writes the report of several studies held in a container (e.g. loaded from journals).
/// Usage: `std::vector<hpo::Study> runs = ...; hpo::write_report(runs, "compare.html");`
HPO_INLINE void write_report(std::span<const Study> studies, const std::string& path,
                             const ReportOptions& options = {});

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/impl/report.ipp"
#endif
