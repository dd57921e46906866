#pragma once
// Bodies of page.hpp; see core/linkage.hpp.
#include "hpo/report/page.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>" + svg + "<figcaption>" + caption + "</figcaption></figure>\n";
}

HPO_INLINE std::string value_text(const Value& v) {
  if (const auto* x = std::get_if<double>(&v)) return format_number(*x, 4);
  return hpo::detail::format_value(v);
}

}  // namespace detail

HPO_INLINE std::string model_sections(const StudyDigest& d, const ReportOptions& options) {
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

HPO_INLINE std::string study_section(const StudyDigest& d, const ReportOptions& options, bool several) {
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

HPO_INLINE std::string page_title(const std::vector<StudyDigest>& studies, const ReportOptions& options) {
  if (!options.title.empty()) return options.title;
  std::string names;
  for (const auto& d : studies) names += (names.empty() ? "" : " vs ") + d.name;
  return "hpo report: " + names;
}

HPO_INLINE std::string lead(const std::vector<StudyDigest>& studies) {
  const Study& first = *studies.front().study;
  std::string text = std::to_string(studies.size()) + (studies.size() == 1 ? " study" : " studies") +
                     " over a space of " + std::to_string(first.space().size()) +
                     (first.space().size() == 1 ? " parameter" : " parameters") + ", to " +
                     to_string(first.direction()) + " the value.";
  return "<p class=\"lead\">" + escape(text) + "</p>\n";
}

HPO_INLINE std::string contents(const std::vector<StudyDigest>& studies) {
  std::string nav = "<nav><a href=\"#history\">History</a>";
  for (const auto& d : studies)
    nav += "<a href=\"#" + d.id("study") + "\">" + escape(studies.size() > 1 ? d.name : "The study") + "</a>";
  return nav + "</nav>\n";
}

}  // namespace detail

HPO_INLINE void write_file(const std::string& path, const std::string& text) {
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

HPO_INLINE std::string render_page(const std::vector<StudyDigest>& studies, const ReportOptions& options) {
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
