#pragma once
// Bodies of journal.hpp; see core/linkage.hpp.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/study/journal.hpp"

namespace hpo::detail {

HPO_INLINE nlohmann::json config_to_json(const Config& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& entry : config.entries()) std::visit([&](const auto& v) { out[entry.first] = v; }, entry.second);
  return out;
}

HPO_INLINE Config config_from_json(const nlohmann::json& json, const SearchSpace& space) {
  if (!json.is_object()) throw std::invalid_argument("\"config\" must be an object, got " + json.dump());
  Config config;
  for (const auto& parameter : space.parameters()) {
    const auto found = json.find(parameter.name);
    if (found == json.end())
      throw std::invalid_argument("the configuration lacks parameter \"" + parameter.name + "\"");
    const std::string what = "parameter \"" + parameter.name + "\"";
    switch (parameter.kind) {
      case ParameterKind::Real:
        config.set(parameter.name, Value(json_finite(*found, what)));
        break;
      case ParameterKind::Integer:
        config.set(parameter.name, Value(json_integer(*found, what, std::numeric_limits<std::int64_t>::min(),
                                                      std::numeric_limits<std::int64_t>::max())));
        break;
      case ParameterKind::Categorical:
        config.set(parameter.name, Value(json_string(*found, what)));
        break;
    }
  }
  for (const auto& [name, value] : json.items())
    if (!space.contains(name))
      throw std::invalid_argument("the configuration has parameter \"" + name + "\" = " + value.dump() +
                                  ", which the search space does not define");
  space.validate(config);
  return config;
}

HPO_INLINE nlohmann::json header_to_json(const SearchSpace& space, Direction direction) {
  return {{"type", "study"},
          {"format", "hpo-journal"},
          {"version", kJournalVersion},
          {"direction", to_string(direction)},
          {"space", space.to_json()}};
}

HPO_INLINE void outcome_to_json(const Trial& trial, nlohmann::json& out) {
  out["state"] = to_string(trial.state);
  if (trial.completed() || (trial.pruned() && std::isfinite(trial.value))) out["value"] = trial.value;
  if (trial.failed()) out["error"] = trial.error;
  out["config"] = config_to_json(trial.config);
  if (trial.gradient.size() > 0) out["gradient"] = std::vector<double>(trial.gradient.begin(), trial.gradient.end());
  if (!trial.intermediate.empty()) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& [step, value] : trial.intermediate) steps.push_back({step, value});
    out["intermediate"] = std::move(steps);
  }
  if (!trial.worker.empty()) out["worker"] = trial.worker;
  out["started_at"] = trial.started_at;
  out["duration"] = trial.duration;
}

HPO_INLINE nlohmann::json trial_to_json(const Trial& trial) {
  nlohmann::json out{{"type", "trial"}, {"number", trial.number}};
  outcome_to_json(trial, out);
  return out;
}

HPO_INLINE nlohmann::json finish_to_json(const Trial& trial) {
  nlohmann::json out{{"type", "finish"}, {"number", trial.number}};
  outcome_to_json(trial, out);
  return out;
}

HPO_INLINE nlohmann::json start_to_json(const Trial& trial, const std::string& session) {
  return {{"type", "start"},        {"number", trial.number}, {"config", config_to_json(trial.config)},
          {"worker", trial.worker}, {"session", session},     {"started_at", trial.started_at}};
}

HPO_INLINE nlohmann::json intermediate_to_json(std::size_t number, std::int64_t step, double value,
                                               const std::string& session) {
  return {{"type", "intermediate"}, {"number", number}, {"step", step}, {"value", value}, {"session", session}};
}

HPO_INLINE void outcome_from_json(const nlohmann::json& json, const SearchSpace& space, Trial& trial) {
  const auto state = json_string(json.at("state"), "\"state\"");
  trial.config = config_from_json(json.at("config"), space);
  if (json.contains("gradient")) {
    const auto& g = json.at("gradient");
    if (!g.is_array()) throw std::invalid_argument("\"gradient\" must be an array, got " + g.dump());
    trial.gradient.resize(static_cast<Eigen::Index>(g.size()));
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (!g[i].is_number())
        throw std::invalid_argument("\"gradient\" entry " + std::to_string(i) + " = " + g[i].dump() +
                                    " is not a number");
      trial.gradient[static_cast<Eigen::Index>(i)] = g[i].get<double>();
    }
  }
  if (state == "completed") {
    trial.state = TrialState::Completed;
    trial.value = json_finite(json.at("value"), "\"value\"");
    if (auto problem = evaluation_problem(space, trial.value, trial.gradient); !problem.empty())
      throw std::invalid_argument("a completed trial has " + problem.substr(std::string("objective returned ").size()));
  } else if (state == "failed") {
    trial.state = TrialState::Failed;
    trial.error = json.contains("error") ? json_string(json.at("error"), "\"error\"") : std::string("unknown failure");
    trial.gradient.resize(0);
  } else if (state == "pruned") {
    trial.state = TrialState::Pruned;
    if (json.contains("value")) trial.value = json_finite(json.at("value"), "\"value\"");
  } else {
    throw std::invalid_argument("unknown trial state \"" + state + "\"");
  }
  if (json.contains("intermediate")) {
    const auto& steps = json.at("intermediate");
    if (!steps.is_array()) throw std::invalid_argument("\"intermediate\" must be an array, got " + steps.dump());
    for (const auto& step : steps) {
      if (!step.is_array() || step.size() != 2)
        throw std::invalid_argument("an intermediate value must be [step, value], got " + step.dump());
      trial.intermediate[json_integer(step[0], "an intermediate step", 0, std::numeric_limits<std::int64_t>::max())] =
          json_finite(step[1], "an intermediate value");
    }
  }
  if (json.contains("worker")) trial.worker = json_string(json.at("worker"), "\"worker\"");
  if (json.contains("started_at")) trial.started_at = json_finite(json.at("started_at"), "\"started_at\"");
  if (json.contains("duration")) trial.duration = json_finite(json.at("duration"), "\"duration\"");
}

HPO_INLINE nlohmann::json parse_line(std::string_view line) {
  if (check_line(line) == ChecksumState::Differs)
    throw std::invalid_argument("the line's checksum does not match its content (the line was damaged or edited)");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(line, [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > kMaxJsonDepth)
        throw std::invalid_argument("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      return true;
    });
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("malformed JSON: ") + e.what());
  }
  if (!json.is_object())
    throw std::invalid_argument(std::string("a line must be a JSON object, got ") + json.type_name());
  json.erase("crc32");
  return json;
}

HPO_INLINE std::string journal_line(const nlohmann::json& record) {
  return seal_line(record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

HPO_INLINE void header_from_json(const nlohmann::json& json, SearchSpace& space, Direction& direction) {
  if (json.value("type", "") != "study" || json.value("format", "") != "hpo-journal")
    throw std::invalid_argument(
        "the first line must be the study header {\"type\":\"study\",\"format\":\"hpo-journal\",...}");
  if (json.contains("version")) json_integer(json.at("version"), "\"version\"", 1, kJournalVersion);
  space = SearchSpace::from_json(json.at("space"));
  const auto name = json_string(json.at("direction"), "\"direction\"");
  if (name != "minimize" && name != "maximize") throw std::invalid_argument("unknown direction \"" + name + "\"");
  direction = name == "maximize" ? Direction::Maximize : Direction::Minimize;
}

}  // namespace hpo::detail
