#pragma once
// The study journal: JSON Lines, one object per line. The first line describes the study
// (format, version, direction, space); each later line is one record:
//
//   {"type":"study","format":"hpo-journal","version":2,"direction":"minimize","space":[...]}
//   {"type":"start","number":0,"config":{...},"worker":"node1:4711","session":"9f..","started_at":...}
//   {"type":"finish","number":0,"state":"completed","value":0.41,"config":{...},"duration":0.02,...}
//   {"type":"trial","number":1,"state":"failed","error":"...","config":{...},...}   (a whole trial)
//   {"type":"intermediate","number":0,"step":3,"value":0.52,"session":"9f.."}   (reported while running)
//   {"type":"heartbeat","worker":"node1:4711","session":"9f.."}
//   {"type":"close","worker":"node1:4711","session":"9f.."}
//   {"type":"record","kind":"warm_start",...}
//
// A trial is numbered by its position among the "start" and "trial" lines. Writers append whole
// lines, each sealed with a CRC-32 (line_checksum.hpp), under the journal's lock (journal_lock.hpp);
// a version-1 journal (only "trial" and "record" lines) reads as before.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/core/json_fields.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/core/utf8.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/evaluation_rules.hpp"
#include "hpo/study/line_checksum.hpp"
#include "hpo/study/trial.hpp"

namespace hpo::detail {

/// The journal versions this library reads; it writes the last.
inline constexpr int kJournalVersion = 2;
/// Nesting depth beyond which a line is refused (the journal's own records nest 4 deep): the
/// serializer recurses, and a line nested without bound would overflow its stack on save().
inline constexpr int kMaxJsonDepth = 64;

HPO_INLINE nlohmann::json config_to_json(const Config& config);

/// Reads a configuration with the space's kinds (a real written as 2 is still a real; an integer
/// must be an integer within the parameter's range) and validates it.
HPO_INLINE Config config_from_json(const nlohmann::json& json, const SearchSpace& space);

HPO_INLINE nlohmann::json header_to_json(const SearchSpace& space, Direction direction);

/// The fields every trial line shares: its outcome, configuration and timing.
HPO_INLINE void outcome_to_json(const Trial& trial, nlohmann::json& out);

/// A whole finished trial (what save() writes, and what version-1 journals hold).
HPO_INLINE nlohmann::json trial_to_json(const Trial& trial);

/// The end of a trial another line started.
HPO_INLINE nlohmann::json finish_to_json(const Trial& trial);

/// The start of a trial, by the session (a process's open study) that asked it.
HPO_INLINE nlohmann::json start_to_json(const Trial& trial, const std::string& session);

/// A value a running trial reported at a step (Study::report), as it is reported.
HPO_INLINE nlohmann::json intermediate_to_json(std::size_t number, std::int64_t step, double value,
                                               const std::string& session);

/// A trial's outcome from a "trial" or "finish" line, with the checks tell() applies.
HPO_INLINE void outcome_from_json(const nlohmann::json& json, const SearchSpace& space, Trial& trial);

/// A line's JSON object, or an exception saying why not: not JSON, nested deeper than
/// kMaxJsonDepth, not an object, or a checksum that does not match what the line holds.
HPO_INLINE nlohmann::json parse_line(std::string_view line);

/// The text of one journal line (with its newline): the record, sealed with its checksum. Text
/// that is not UTF-8 is repaired (U+FFFD), never a reason to lose the record.
HPO_INLINE std::string journal_line(const nlohmann::json& record);

/// The study header's space and direction; throws on anything else in its place.
HPO_INLINE void header_from_json(const nlohmann::json& json, SearchSpace& space, Direction& direction);

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/study/impl/journal.ipp"
#endif
