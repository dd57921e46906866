#pragma once
// The HTML page: one self-contained file (inline CSS and SVG, no network), laid out as the
// studies' overview and overlaid history, then one section per study: facts, best trials,
// importance, contour, parallel coordinates, slices, intermediate values, timeline, warm start,
// search space.
// The markup is also well-formed XML, so that xmllint checks it strictly. A small script sorts
// tables by a clicked header; every plot reads without it.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "hpo/report/contour.hpp"
#include "hpo/report/history.hpp"
#include "hpo/report/importance.hpp"
#include "hpo/report/intermediate.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/parallel_coordinates.hpp"
#include "hpo/report/slice.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/study_model.hpp"
#include "hpo/report/svg.hpp"
#include "hpo/report/tables.hpp"
#include "hpo/report/timeline.hpp"
#include "hpo/report/warm_start_view.hpp"

namespace hpo::report {

namespace detail {
inline constexpr std::string_view page_style = R"(
body{margin:0;color:#1f1f1f;background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1080px;margin:0 auto;padding:12px 20px 40px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:22px 0 6px}p{margin:6px 0;max-width:900px}.lead{color:#555}
nav a{margin-right:14px}figure{margin:8px 0}figcaption{color:#555;font-size:13px;max-width:900px}
.empty{color:#8a3b00;font-style:italic}
svg.plot{display:block;max-width:100%;height:auto;font-family:inherit}
svg text{font-size:11px;fill:#333}svg .axis-title{font-size:12px;fill:#222}svg .plot-title{font-size:13px;font-weight:600;fill:#222}
svg .legend-label{font-size:12px}svg .note{font-size:11px;fill:#666;font-style:italic}
svg .bar-label{font-size:12px}svg .halo{paint-order:stroke;stroke:#fff;stroke-width:3px}
.domain,.tick{stroke:#666;stroke-width:1}.grid{stroke:#ececec;stroke-width:1}
.dot,.slice-points circle{stroke:#fff;stroke-width:0.6}.best-line{fill:none;stroke-width:2}
.failed-mark,.cross{fill:none;stroke-width:2}.pruned-mark,.triangle{fill:#fff;stroke-width:1.6}
.legend-mark.line{stroke-width:2}.dashed{stroke-dasharray:5 3}
.trace{fill:none;stroke-width:1.2;stroke-opacity:0.7}.trace:hover{stroke-width:3;stroke-opacity:1}
.progress{fill:none;stroke-width:1.2;stroke-opacity:0.75}.progress:hover{stroke-width:3}
.trial-dot{fill:#fff;stroke:#222;stroke-width:0.8}.best-ring{fill:none;stroke:#D55E00;stroke-width:2.5}
.weight-line{fill:none;stroke-width:2}.strip-off{fill:#f1f1f1}.strip-on{fill:#009E73}
.small-multiples{display:flex;flex-wrap:wrap;gap:8px}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{padding:3px 9px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f6f6;font-weight:600}
table.sortable th{cursor:pointer}th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
table.facts td:first-child{color:#555;white-space:nowrap}table.facts thead{display:none}
footer{margin-top:40px;color:#777;font-size:12px}
)";

// Sorts a table by the clicked header (numbers by their data-v value). Inside CDATA so that the
// page stays well-formed XML.
inline constexpr std::string_view page_script = R"(//<![CDATA[
(function () {
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var headers = table.querySelectorAll('th');
    headers.forEach(function (th, column) {
      th.tabIndex = 0;
      th.title = 'Sort by this column';
      th.addEventListener('click', function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var c = (x.dataset.v !== undefined && y.dataset.v !== undefined) ? x.dataset.v - y.dataset.v
                                                                            : x.textContent.localeCompare(y.textContent);
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      });
    });
  });
})();
//]]>)";

inline std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>" + svg + "<figcaption>" + caption + "</figcaption></figure>\n";
}

// A parameter's value in a sentence: reals with 4 significant digits.
inline std::string value_text(const Value& v) {
  if (const auto* x = std::get_if<double>(&v)) return format_number(*x, 4);
  return hpo::detail::format_value(v);
}

inline std::string empty_note(const std::string& text) { return "<p class=\"empty\">" + escape(text) + "</p>\n"; }
}  // namespace detail

/// The model-based part of a study's section: importance and contour (the one GP fit per study).
/// Usage: `html += model_sections(digest, options);`
inline std::string model_sections(const StudyDigest& d, const ReportOptions& options) {
  const StudyModel model = StudyModel::fit(d, options);
  const Importance importance = functional_anova(model, options.seed);
  std::string html = "<h3>Parameter importance</h3>\n";
  if (importance.share.empty()) return html + detail::empty_note("No importance: " + importance.reason + ".");
  html +=
      detail::figure(importance_plot(importance, d.study->space(), d.id("importance-plot")), escape(importance.method));
  html += "<h3>Contour of the model</h3>\n";
  if (d.study->space().size() < 2)
    return html + detail::empty_note("A contour needs two parameters; this space has one.");
  const auto order = importance.order();
  const Trial& best = d.trial(d.ranked.front());
  std::string others;
  for (std::size_t k = 2; k < order.size(); ++k) {
    const auto& p = d.study->space()[order[k]];
    others += (others.empty() ? "" : ", ") + p.name + " = " + detail::value_text(best.config.value(p.name));
  }
  const std::string caption = "Posterior mean of the Gaussian process (" + model.description() +
                              ") over the two most important parameters, " +
                              (others.empty() ? std::string("the only two")
                                              : "the others held at the best trial\u2019s values (" + others + ")") +
                              ". Dark is better. Dots: trials (their other parameters differ); ring: the best trial.";
  return html + detail::figure(contour_plot(d, model, order[0], order[1], options), escape(caption));
}

/// A study's section (see the file comment); its search space, reference material, comes last.
/// Usage: `html += study_section(digest, options, studies.size() > 1);`
inline std::string study_section(const StudyDigest& d, const ReportOptions& options, bool several) {
  std::string html =
      "<section id=\"" + d.id("study") + "\">\n<h2>" + escape(several ? "Study: " + d.name : "The study") + "</h2>\n";
  html += facts_table(d);
  const std::string space = "<h3>Search space</h3>\n" + space_table(d.study->space()) + "</section>\n";
  if (d.study->trials().empty())
    return html + detail::empty_note("This study has no trials yet: nothing to draw.") + space;
  html += "<h3>Best trials</h3>\n";
  if (d.completed.empty()) {
    html += detail::empty_note(
        "No trial completed, so there is nothing to rank or to plot by value; the failures are listed above.");
  } else {
    html += top_trials_table(d, options.top_trials) + model_sections(d, options);
    html += "<h3>Parallel coordinates</h3>\n" +
            detail::figure(parallel_coordinates_plot(d, options),
                           "Each line is a completed trial through its parameter values and its value (last axis); "
                           "dark lines are the best. Hover a line for its trial.");
    html += "<h3>Slices</h3>\n<div class=\"small-multiples\">" + slice_plots(d, options) +
            "</div>\n<p class=\"lead\">Value against each parameter; colour is the trial number, light early and dark "
            "late.</p>\n";
  }
  if (d.has_intermediate)
    html += "<h3>Intermediate values</h3>\n" +
            detail::figure(intermediate_plot(d, options), "Values reported during each trial, by step.");
  html += "<h3>Timeline</h3>\n" +
          detail::figure(timeline_plot(d),
                         d.has_workers
                             ? "One lane per worker."
                             : "The journal names no workers: trials that ran at the same time get separate lanes.");
  if (const auto warm = warm_start_view(d); !warm.empty()) html += "<h3>Warm start</h3>\n" + warm;
  return html + space;
}

namespace detail {
inline std::string page_title(const std::vector<StudyDigest>& studies, const ReportOptions& options) {
  if (!options.title.empty()) return options.title;
  std::string names;
  for (const auto& d : studies) names += (names.empty() ? "" : " vs ") + d.name;
  return "hpo report: " + names;
}

inline std::string lead(const std::vector<StudyDigest>& studies) {
  const Study& first = *studies.front().study;
  std::string text = std::to_string(studies.size()) + (studies.size() == 1 ? " study" : " studies") +
                     " over a space of " + std::to_string(first.space().size()) +
                     (first.space().size() == 1 ? " parameter" : " parameters") + ", to " +
                     to_string(first.direction()) + " the value.";
  return "<p class=\"lead\">" + escape(text) + "</p>\n";
}

inline std::string contents(const std::vector<StudyDigest>& studies) {
  std::string nav = "<nav><a href=\"#history\">History</a>";
  for (const auto& d : studies)
    nav += "<a href=\"#" + d.id("study") + "\">" + escape(studies.size() > 1 ? d.name : "The study") + "</a>";
  return nav + "</nav>\n";
}
}  // namespace detail

/// Writes `text` to `path` through a temporary file and a rename, so that a failed write leaves no
/// half page; std::runtime_error names the path when it cannot be written.
/// Usage: `hpo::report::write_file("report.html", html);`
inline void write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error("hpo::write_report: cannot write \"" + path + "\" (cannot create \"" + temporary +
                               "\")");
    out << text;
    if (!out.flush()) throw std::runtime_error("hpo::write_report: writing \"" + path + "\" failed");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw std::runtime_error("hpo::write_report: cannot write \"" + path + "\": " + error.message());
  }
}

/// The whole page for digested studies (at least one, of one space and direction).
/// Usage: `std::string html = render_page(digests, options);`
inline std::string render_page(const std::vector<StudyDigest>& studies, const ReportOptions& options) {
  const std::string title = detail::page_title(studies, options);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<meta name=\"generator\" "
      "content=\"hpo\"/>\n"
      "<title>" +
      escape(title) + "</title>\n<style>";
  html += detail::page_style;
  html += "</style>\n</head>\n<body>\n<main>\n<h1>" + escape(title) + "</h1>\n" + detail::lead(studies) +
          detail::contents(studies);
  if (studies.size() > 1) html += "<h2>Studies</h2>\n" + overview_table(studies);
  html +=
      "<h2 id=\"history\">Optimization history</h2>\n" +
      detail::figure(
          history_plot(studies, options),
          "Every trial\u2019s value by trial number, and each study\u2019s running best. Hover a point for its trial.");
  for (const auto& d : studies) html += study_section(d, options, studies.size() > 1);
  html +=
      "<footer>Written by hpo\u2019s report (a header-only C++ library). Every plot is inline SVG: this file needs no "
      "network and no script to read.</footer>\n";
  html += "</main>\n<script>";
  html += detail::page_script;
  return html + "</script>\n</body>\n</html>\n";
}

}  // namespace hpo::report
