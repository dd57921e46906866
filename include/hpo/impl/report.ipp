#pragma once
// Bodies of report.hpp; see core/linkage.hpp.
#include "hpo/report.hpp"

namespace hpo {

HPO_INLINE std::string render_report(const std::vector<const Study*>& studies, const ReportOptions& options) {
  if (studies.empty()) throw std::invalid_argument("hpo::write_report: no study to report");
  const auto names = report::study_names(studies, options.study_names);
  for (std::size_t i = 1; i < studies.size(); ++i) {
    if (auto difference = studies[0]->space().difference(studies[i]->space()); !difference.empty())
      throw std::invalid_argument("hpo::write_report: study \"" + names[i] + "\" has another search space than \"" +
                                  names[0] + "\": " + difference);
    if (studies[i]->direction() != studies[0]->direction())
      throw std::invalid_argument("hpo::write_report: study \"" + names[i] + "\" is to " +
                                  to_string(studies[i]->direction()) + ", \"" + names[0] + "\" to " +
                                  to_string(studies[0]->direction()));
  }
  std::vector<report::StudyDigest> digests;
  for (std::size_t i = 0; i < studies.size(); ++i)
    digests.push_back(report::StudyDigest::of(*studies[i], names[i], i, options));
  return report::render_page(digests, options);
}

HPO_INLINE void write_report(const Study& study, const std::string& path, const ReportOptions& options) {
  report::write_file(path, render_report({&study}, options));
}

HPO_INLINE void write_report(std::initializer_list<std::reference_wrapper<const Study>> studies,
                             const std::string& path, const ReportOptions& options) {
  std::vector<const Study*> pointers;
  for (const Study& study : studies) pointers.push_back(&study);
  report::write_file(path, render_report(pointers, options));
}

HPO_INLINE void write_report(std::span<const Study> studies, const std::string& path, const ReportOptions& options) {
  std::vector<const Study*> pointers;
  for (const Study& study : studies) pointers.push_back(&study);
  report::write_file(path, render_report(pointers, options));
}

}  // namespace hpo
