#pragma once
// Bodies of json_fields.hpp; see core/linkage.hpp.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "hpo/core/json_fields.hpp"

namespace hpo::detail {

HPO_INLINE std::int64_t json_integer(const nlohmann::json& value, const std::string& what, std::int64_t low,
                                     std::int64_t high) {
  std::int64_t result = 0;
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(high))
      throw std::invalid_argument(what + " = " + value.dump() + " is out of range [" + std::to_string(low) + ", " +
                                  std::to_string(high) + "]");
    result = static_cast<std::int64_t>(value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    result = value.get<std::int64_t>();
  } else if (value.is_number_float()) {
    const double x = value.get<double>();
    if (!(x == std::floor(x)) || !(x >= -9007199254740992.0 && x <= 9007199254740992.0))
      throw std::invalid_argument(what + " = " + value.dump() + " is not an integer (or beyond +-2^53)");
    result = static_cast<std::int64_t>(x);
  } else {
    throw std::invalid_argument(what + " = " + value.dump() + " is not a number");
  }
  if (result < low || result > high)
    throw std::invalid_argument(what + " = " + std::to_string(result) + " is out of range [" + std::to_string(low) +
                                ", " + std::to_string(high) + "]");
  return result;
}

HPO_INLINE double json_finite(const nlohmann::json& value, const std::string& what) {
  if (!value.is_number()) throw std::invalid_argument(what + " = " + value.dump() + " is not a number");
  const double x = value.get<double>();
  if (!std::isfinite(x)) throw std::invalid_argument(what + " = " + value.dump() + " is not finite");
  return x;
}

HPO_INLINE std::string json_string(const nlohmann::json& value, const std::string& what) {
  if (!value.is_string()) throw std::invalid_argument(what + " = " + value.dump() + " is not a string");
  return value.get<std::string>();
}

HPO_INLINE const nlohmann::json& json_member(const nlohmann::json& object, const char* key, const std::string& what) {
  if (!object.is_object()) throw std::invalid_argument(what + " must be a JSON object, got " + object.dump());
  const auto found = object.find(key);
  if (found == object.end()) throw std::invalid_argument(what + " lacks \"" + key + "\"");
  return *found;
}

}  // namespace hpo::detail
