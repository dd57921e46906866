#pragma once
// Reading fields of JSON that a file supplied: each with the type and range it must have, and an
// error naming the field and the value otherwise (never a silent cast).

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "hpo/core/linkage.hpp"

namespace hpo::detail {

/// A JSON number that must be an integer in [low, high] (an exact integral double counts), read
/// with `what` naming it in the error.
HPO_INLINE std::int64_t json_integer(const nlohmann::json& value, const std::string& what, std::int64_t low,
                                     std::int64_t high);

/// A finite JSON number, read with `what` naming it in the error.
HPO_INLINE double json_finite(const nlohmann::json& value, const std::string& what);

/// A JSON string, read with `what` naming it in the error.
HPO_INLINE std::string json_string(const nlohmann::json& value, const std::string& what);

/// The member `key` of a JSON object, or an error naming it and `what` the object is.
HPO_INLINE const nlohmann::json& json_member(const nlohmann::json& object, const char* key, const std::string& what);

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/core/impl/json_fields.ipp"
#endif
