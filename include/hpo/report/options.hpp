#pragma once
// What a report may be told: its title, the names of its studies and of the value, and how much it
// draws. Every field has a default; the struct takes designated initializers.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hpo {

/// Options of hpo::write_report, in this order for designated initializers.
/// Usage: `hpo::write_report(study, "report.html", {.title = "MLP on digits", .top_trials = 10});`
struct ReportOptions {
  /// Heading of the page; empty: "hpo report" and the studies' names.
  std::string title{};
  /// Name of each study in legends and headings, in the order given; empty or missing entries:
  /// the file name of the study's journal, else "study 1", "study 2", ...
  std::vector<std::string> study_names{};
  /// What the objective's value is, with its unit, for the value axes (e.g. "validation loss (nats)").
  std::string value_label = "value";
  /// Rows of the table of best trials.
  std::size_t top_trials = 10;
  /// Most points (or lines) one plot draws; beyond it, the best tenth of them and an even spread of
  /// the rest are drawn, and the plot says so. Keeps a study of 10,000 trials under a few MB.
  std::size_t max_points = 2000;
  /// Most trials the Gaussian process of the contour and importance plots is fitted to (its cost
  /// grows as the cube of this number); beyond it, the best quarter and an even spread of the rest.
  std::size_t max_model_trials = 400;
  /// Seed of the model fit and of the importance estimate: the same study gives the same page.
  std::uint64_t seed = 0;
};

}  // namespace hpo
