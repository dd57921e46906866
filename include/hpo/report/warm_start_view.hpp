#pragma once
// What a warm start did, from the study's "warm_start" records (hpo::WarmStart, written by the
// optimizer whenever it changed): the sources and the parts of the transfer in use, the search
// region, and how each source's ensemble weight moved over the trials, with two strips showing when
// the region prior and the source basis were in effect.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/legend.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/svg.hpp"
#include "hpo/report/tables.hpp"

namespace hpo::report {

/// One warm-start record, read defensively (a journal written by another version may lack fields).
/// Usage: `for (const WarmStartState& s : warm_start_history(study)) if (s.source_basis) ...`
struct WarmStartState {
  std::size_t trial = 0;        ///< number of the trial being asked when it was written
  std::vector<double> weights;  ///< per source; empty before the first weights
  double target_weight = -1.0;  ///< the target model's weight, -1 when unknown
  bool region_prior = false;    ///< the region prior acts on the acquisition
  bool source_basis = false;    ///< some source is in the target model's regression
};

namespace detail {
HPO_INLINE bool has_part(const nlohmann::json& record, const std::string& part);

HPO_INLINE double number_or(const nlohmann::json& j, const char* key, double fallback);

HPO_INLINE bool flag(const nlohmann::json& j, const char* key);

// The region prior's weight is the weight of the sources that order the target better than chance
// (all of it before the first weights): it acts while that is above zero.
HPO_INLINE WarmStartState read_state(const nlohmann::json& record);
}  // namespace detail

/// Every warm-start record of a study, in the order written.
/// Usage: `auto states = warm_start_history(study);`
HPO_INLINE std::vector<WarmStartState> warm_start_history(const Study& study);

namespace detail {
// A step line over the trials: each record's value (negative: none) holds until the next record.
HPO_INLINE std::string step_path(const std::vector<WarmStartState>& states, const std::vector<double>& values,
                                 const Axis& x, const Axis& y, std::size_t last);

// A region's extent in words: "0.002 to 0.3", or its categories.
HPO_INLINE std::string region_text(const nlohmann::json& box);

HPO_INLINE void draw_strip(SvgWriter& svg, const std::vector<WarmStartState>& states, const Axis& x, double y,
                           std::size_t last, bool WarmStartState::*on, const std::string& label, double left);
}  // namespace detail

/// Each source's ensemble weight (and the target model's, dashed) over the trials, with the strips.
/// Usage: `html += warm_start_weights_plot(digest, sources);`
HPO_INLINE std::string warm_start_weights_plot(const StudyDigest& d, const std::vector<std::string>& sources);

/// The warm-start section's body: a sentence on what was transferred, the sources' table, the
/// region's table and the weights plot. Empty when the study was not warm-started.
/// Usage: `html += warm_start_view(digest);`
HPO_INLINE std::string warm_start_view(const StudyDigest& d);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/warm_start_view.ipp"
#endif
