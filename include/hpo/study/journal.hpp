#pragma once
// The study journal: JSON Lines, one object per line. The first line describes the study
// (format, direction, space); each later line is a finished trial or a record (e.g. a warm start).
//
//   {"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[...]}
//   {"type":"trial","number":0,"state":"completed","value":0.41,"config":{"x":1.5,"act":"relu"},
//    "started_at":1795000000.1,"duration":0.02}
//   {"type":"trial","number":1,"state":"failed","error":"objective returned nan","config":{...},...}
//   {"type":"record","kind":"warm_start",...}
//
// Lines are appended and flushed one at a time, so a crash loses at most the line being written;
// a truncated last line is skipped with a warning when the journal is read back.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/direction.hpp"
#include "hpo/space/search_space.hpp"
#include "hpo/study/trial.hpp"

namespace hpo::detail {

inline nlohmann::json config_to_json(const Config& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& entry : config.entries()) std::visit([&](const auto& v) { out[entry.first] = v; }, entry.second);
  return out;
}

/// Reads a configuration with the space's kinds (a real written as 2 is still a real).
inline Config config_from_json(const nlohmann::json& json, const SearchSpace& space) {
  Config config;
  for (const auto& parameter : space.parameters()) {
    const auto& v = json.at(parameter.name);
    switch (parameter.kind) {
      case ParameterKind::Real:
        config.set(parameter.name, Value(v.get<double>()));
        break;
      case ParameterKind::Integer:
        config.set(parameter.name, Value(v.get<std::int64_t>()));
        break;
      case ParameterKind::Categorical:
        config.set(parameter.name, Value(v.get<std::string>()));
        break;
    }
  }
  space.validate(config);
  return config;
}

inline nlohmann::json header_to_json(const SearchSpace& space, Direction direction) {
  return {{"type", "study"},
          {"format", "hpo-journal"},
          {"version", 1},
          {"direction", to_string(direction)},
          {"space", space.to_json()}};
}

inline nlohmann::json trial_to_json(const Trial& trial) {
  nlohmann::json out{{"type", "trial"}, {"number", trial.number}, {"state", to_string(trial.state)}};
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
  return out;
}

inline Trial trial_from_json(const nlohmann::json& json, const SearchSpace& space) {
  Trial trial;
  trial.number = json.at("number").get<std::size_t>();
  const auto state = json.at("state").get<std::string>();
  if (state == "completed") {
    trial.state = TrialState::Completed;
    trial.value = json.at("value").get<double>();
    if (!std::isfinite(trial.value)) throw std::invalid_argument("a completed trial has a non-finite value");
  } else if (state == "failed") {
    trial.state = TrialState::Failed;
    trial.error = json.value("error", std::string("unknown failure"));
  } else if (state == "pruned") {
    trial.state = TrialState::Pruned;
    if (json.contains("value")) trial.value = json.at("value").get<double>();
  } else {
    throw std::invalid_argument("unknown trial state \"" + state + "\"");
  }
  trial.config = config_from_json(json.at("config"), space);
  if (json.contains("gradient")) {
    const auto g = json.at("gradient").get<std::vector<double>>();
    trial.gradient = Eigen::Map<const Eigen::VectorXd>(g.data(), static_cast<Eigen::Index>(g.size()));
  }
  if (json.contains("intermediate"))
    for (const auto& step : json.at("intermediate"))
      trial.intermediate[step.at(0).get<std::int64_t>()] = step.at(1).get<double>();
  trial.worker = json.value("worker", std::string());
  trial.started_at = json.value("started_at", 0.0);
  trial.duration = json.value("duration", 0.0);
  return trial;
}

/// What a journal file holds, read line by line.
struct JournalContents {
  SearchSpace space;
  Direction direction = Direction::Minimize;
  std::vector<Trial> trials;
  std::vector<nlohmann::json> records;
  std::uintmax_t valid_bytes = 0;  ///< length of the well-formed prefix (a truncated tail excluded)
};

inline JournalContents read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("hpo: cannot open journal \"" + path + "\"");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  JournalContents contents;
  std::size_t line_number = 0, begin = 0;
  bool has_header = false;
  while (begin < text.size()) {
    const std::size_t newline = text.find('\n', begin);
    const bool last_unterminated = newline == std::string::npos;
    const std::string line = text.substr(begin, last_unterminated ? std::string::npos : newline - begin);
    ++line_number;
    const std::string where = "hpo: journal \"" + path + "\" line " + std::to_string(line_number);
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      if (last_unterminated && has_header) {
        std::cerr << where << ": truncated (a crash while writing?); skipped\n";
        break;
      }
      throw std::runtime_error(where + ": malformed JSON: " + e.what());
    }
    try {
      const auto type = json.at("type").get<std::string>();
      if (!has_header) {
        if (type != "study" || json.value("format", "") != "hpo-journal")
          throw std::invalid_argument(
              "the first line must be the study header {\"type\":\"study\",\"format\":\"hpo-journal\",...}");
        contents.space = SearchSpace::from_json(json.at("space"));
        const auto direction = json.at("direction").get<std::string>();
        if (direction != "minimize" && direction != "maximize")
          throw std::invalid_argument("unknown direction \"" + direction + "\"");
        contents.direction = direction == "maximize" ? Direction::Maximize : Direction::Minimize;
        has_header = true;
      } else if (type == "trial") {
        Trial trial = trial_from_json(json, contents.space);
        trial.number = contents.trials.size();  // renumbered in file order: lost in-flight trials leave no gap
        contents.trials.push_back(std::move(trial));
      } else if (type == "record") {
        contents.records.push_back(std::move(json));
      } else {
        throw std::invalid_argument("unknown line type \"" + type + "\"");
      }
    } catch (const std::exception& e) {
      if (last_unterminated && has_header) {
        std::cerr << where << ": truncated (a crash while writing?); skipped\n";
        break;
      }
      throw std::runtime_error(where + ": " + e.what());
    }
    contents.valid_bytes = last_unterminated ? text.size() : newline + 1;
    if (last_unterminated) break;
    begin = newline + 1;
  }
  if (!has_header) throw std::runtime_error("hpo: journal \"" + path + "\" is empty: no study header");
  return contents;
}

/// Appends lines to a journal, flushing each so that a crash loses at most the line in flight.
class JournalWriter {
 public:
  explicit JournalWriter(std::string path) : path_(std::move(path)), out_(path_, std::ios::binary | std::ios::app) {
    if (!out_) throw std::runtime_error("hpo: cannot open journal \"" + path_ + "\" for writing");
  }
  void append(const nlohmann::json& line) {
    out_ << line.dump() << '\n';
    out_.flush();
    if (!out_) throw std::runtime_error("hpo: writing to journal \"" + path_ + "\" failed");
  }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace hpo::detail
