#pragma once
// Bodies of search_space.hpp; see core/linkage.hpp.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/json_fields.hpp"
#include "hpo/core/utf8.hpp"
#include "hpo/space/search_space.hpp"

namespace hpo {

HPO_INLINE SearchSpace& SearchSpace::add_real(const std::string& name, double low, double high, Scale scale) {
  check_new_name(name);
  const std::string bounds = "[" + detail::format_value(low) + ", " + detail::format_value(high) + "]";
  if (!std::isfinite(low) || !std::isfinite(high)) throw invalid(name, "bounds " + bounds + " must be finite");
  if (!std::isfinite(high - low))
    throw invalid(name, "bounds " + bounds +
                            " are too far apart: their width high - low exceeds the largest double (about "
                            "1.8e308); narrow the range");
  check_order_and_log(name, low, high, scale);
  parameters_.push_back({name, ParameterKind::Real, low, high, scale, {}});
  return *this;
}

HPO_INLINE SearchSpace& SearchSpace::add_int(const std::string& name, std::int64_t low, std::int64_t high,
                                             Scale scale) {
  check_new_name(name);
  constexpr std::int64_t exact = std::int64_t{1} << 53;  // doubles hold every integer up to 2^53
  if (low < -exact || high > exact)
    throw invalid(name, "bounds [" + std::to_string(low) + ", " + std::to_string(high) + "] must lie within +-2^53");
  check_order_and_log(name, static_cast<double>(low), static_cast<double>(high), scale);
  parameters_.push_back({name, ParameterKind::Integer, static_cast<double>(low), static_cast<double>(high), scale, {}});
  return *this;
}

HPO_INLINE SearchSpace& SearchSpace::add_categorical(const std::string& name, std::vector<std::string> categories) {
  check_new_name(name);
  if (categories.empty()) throw invalid(name, "needs at least one category, got an empty list");
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (categories[i].empty()) throw invalid(name, "category #" + std::to_string(i) + " is an empty string");
    if (!detail::is_valid_utf8(categories[i]))
      throw invalid(name, "category \"" + detail::escaped_utf8(categories[i]) +
                              "\" is not valid UTF-8 (a journal keeps text as UTF-8)");
    for (std::size_t j = 0; j < i; ++j)
      if (categories[j] == categories[i]) throw invalid(name, "category \"" + categories[i] + "\" appears twice");
  }
  parameters_.push_back({name, ParameterKind::Categorical, 0.0, 0.0, Scale::Linear, std::move(categories)});
  return *this;
}

HPO_INLINE Config SearchSpace::from_unit(const Eigen::Ref<const Eigen::VectorXd>& u) const {
  if (static_cast<std::size_t>(u.size()) != parameters_.size())
    throw std::invalid_argument("hpo::SearchSpace::from_unit: got " + std::to_string(u.size()) + " coordinates for " +
                                std::to_string(parameters_.size()) + " parameters");
  Config config;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    config.set(parameters_[i].name, parameters_[i].from_unit(u[static_cast<Eigen::Index>(i)]));
  return config;
}

HPO_INLINE Eigen::VectorXd SearchSpace::to_unit(const Config& config) const {
  validate(config);
  Eigen::VectorXd u(static_cast<Eigen::Index>(parameters_.size()));
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    u[static_cast<Eigen::Index>(i)] = parameters_[i].to_unit(config.value(parameters_[i].name));
  return u;
}

HPO_INLINE void SearchSpace::validate(const Config& config) const {
  for (const auto& parameter : parameters_) {
    if (!config.contains(parameter.name))
      throw std::invalid_argument("hpo: configuration lacks parameter \"" + parameter.name +
                                  "\": " + config.to_string());
    if (auto problem = parameter.check(config.value(parameter.name)); !problem.empty())
      throw std::invalid_argument("hpo: " + problem);
  }
  for (const auto& [name, value] : config.entries())
    if (!contains(name))
      throw std::invalid_argument("hpo: configuration has parameter \"" + name + "\" = " + detail::format_value(value) +
                                  ", which the search space does not define");
}

HPO_INLINE std::string SearchSpace::difference(const SearchSpace& other) const {
  for (const auto& mine : parameters_) {
    const std::size_t j = other.find(mine.name);
    if (j == npos) return "parameter \"" + mine.name + "\" is missing from the other space";
    if (const auto& theirs = other.parameters_[j]; !(mine == theirs))
      return "parameter \"" + mine.name + "\" differs: " + describe(mine) + " vs " + describe(theirs);
  }
  for (const auto& theirs : other.parameters_)
    if (!contains(theirs.name)) return "parameter \"" + theirs.name + "\" is only in the other space";
  if (parameters_ != other.parameters_) return "the parameters are declared in a different order";
  return {};
}

HPO_INLINE std::string SearchSpace::describe(const Parameter& p) {
  if (p.kind == ParameterKind::Categorical) {
    std::string text = "categorical {";
    for (std::size_t i = 0; i < p.categories.size(); ++i) text += (i ? ", " : "") + p.categories[i];
    return text + "}";
  }
  return std::string(to_string(p.kind)) + " [" + detail::format_value(p.low) + ", " + detail::format_value(p.high) +
         "]" + (p.scale == Scale::Log ? " log" : "");
}

HPO_INLINE nlohmann::json SearchSpace::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : parameters_) {
    nlohmann::json entry{{"name", p.name}, {"kind", to_string(p.kind)}};
    if (p.kind == ParameterKind::Categorical) {
      entry["categories"] = p.categories;
    } else {
      if (p.kind == ParameterKind::Integer) {
        entry["low"] = static_cast<std::int64_t>(p.low);
        entry["high"] = static_cast<std::int64_t>(p.high);
      } else {
        entry["low"] = p.low;
        entry["high"] = p.high;
      }
      entry["scale"] = p.scale == Scale::Log ? "log" : "linear";
    }
    out.push_back(std::move(entry));
  }
  return out;
}

HPO_INLINE SearchSpace SearchSpace::from_json(const nlohmann::json& json) {
  if (!json.is_array())
    throw std::invalid_argument("hpo: the search space must be a JSON array of parameters, got " + json.dump());
  SearchSpace space;
  for (const auto& entry : json) {
    const auto name = detail::json_string(detail::json_member(entry, "name", "a parameter"), "a parameter's \"name\"");
    const std::string what = "parameter \"" + name + "\"";
    const auto kind = detail::json_string(detail::json_member(entry, "kind", what), what + "'s \"kind\"");
    if (kind == "categorical") {
      const auto& categories = detail::json_member(entry, "categories", what);
      if (!categories.is_array())
        throw std::invalid_argument(what + "'s \"categories\" must be an array, got " + categories.dump());
      std::vector<std::string> names;
      for (const auto& category : categories) names.push_back(detail::json_string(category, what + "'s category"));
      space.add_categorical(name, std::move(names));
      continue;
    }
    Scale scale = Scale::Linear;
    if (entry.contains("scale")) {
      const auto text = detail::json_string(entry.at("scale"), what + "'s \"scale\"");
      if (text != "linear" && text != "log")
        throw std::invalid_argument(what + " has unknown scale \"" + text + "\" (linear or log)");
      scale = text == "log" ? Scale::Log : Scale::Linear;
    }
    if (kind == "real") {
      space.add_real(name, detail::json_finite(detail::json_member(entry, "low", what), what + "'s \"low\""),
                     detail::json_finite(detail::json_member(entry, "high", what), what + "'s \"high\""), scale);
    } else if (kind == "integer") {
      constexpr std::int64_t exact = std::int64_t{1} << 53;
      space.add_int(
          name, detail::json_integer(detail::json_member(entry, "low", what), what + "'s \"low\"", -exact, exact),
          detail::json_integer(detail::json_member(entry, "high", what), what + "'s \"high\"", -exact, exact), scale);
    } else {
      throw std::invalid_argument("hpo: " + what + " has unknown kind \"" + kind + "\"");
    }
  }
  return space;
}

HPO_INLINE void SearchSpace::check_new_name(const std::string& name) const {
  if (name.empty()) throw std::invalid_argument("hpo::SearchSpace: a parameter name is empty (\"\")");
  if (!detail::is_valid_utf8(name))
    throw std::invalid_argument("hpo::SearchSpace: the parameter name \"" + detail::escaped_utf8(name) +
                                "\" is not valid UTF-8 (a journal keeps text as UTF-8)");
  if (contains(name)) throw invalid(name, "is defined twice");
}

HPO_INLINE void SearchSpace::check_order_and_log(const std::string& name, double low, double high, Scale scale) {
  if (!(low < high))
    throw invalid(
        name, "low must be below high, got [" + detail::format_value(low) + ", " + detail::format_value(high) + "]");
  if (scale == Scale::Log && !(low > 0.0))
    throw invalid(name, "a log scale needs low > 0, got low = " + detail::format_value(low));
}

HPO_INLINE void require_parameters(const SearchSpace& space, const char* who) {
  if (space.empty())
    throw std::invalid_argument(
        std::string(who) + ": the search space has no parameter; add one with add_real, add_int or add_categorical");
}

}  // namespace hpo
