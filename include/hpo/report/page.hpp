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

#include "hpo/core/linkage.hpp"
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

HPO_INLINE std::string figure(const std::string& svg, const std::string& caption);

// A parameter's value in a sentence: reals with 4 significant digits.
HPO_INLINE std::string value_text(const Value& v);

inline std::string empty_note(const std::string& text) { return "<p class=\"empty\">" + escape(text) + "</p>\n"; }
}  // namespace detail

/// The model-based part of a study's section: importance and contour (the one GP fit per study).
/// Usage: `html += model_sections(digest, options);`
HPO_INLINE std::string model_sections(const StudyDigest& d, const ReportOptions& options);

/// A study's section (see the file comment); its search space, reference material, comes last.
/// Usage: `html += study_section(digest, options, studies.size() > 1);`
HPO_INLINE std::string study_section(const StudyDigest& d, const ReportOptions& options, bool several);

namespace detail {
HPO_INLINE std::string page_title(const std::vector<StudyDigest>& studies, const ReportOptions& options);

HPO_INLINE std::string lead(const std::vector<StudyDigest>& studies);

HPO_INLINE std::string contents(const std::vector<StudyDigest>& studies);
}  // namespace detail

/// Writes `text` to `path` through a temporary file and a rename, so that a failed write leaves no
/// half page; std::runtime_error names the path when it cannot be written.
/// Usage: `hpo::report::write_file("report.html", html);`
HPO_INLINE void write_file(const std::string& path, const std::string& text);

/// The whole page for digested studies (at least one, of one space and direction).
/// Usage: `std::string html = render_page(digests, options);`
HPO_INLINE std::string render_page(const std::vector<StudyDigest>& studies, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/page.ipp"
#endif
