#pragma once
// The benchmark programs' list arguments: "branin,levy" and integer lists with ranges, "0-19,25".

#include <sstream>
#include <string>
#include <vector>

namespace hpo::bench {

/// The non-empty comma-separated parts of `text`.
inline std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

/// "0-4,7" gives 0 1 2 3 4 7; a leading '-' is a sign, not a range.
inline std::vector<int> parse_ints(const std::string& text) {
  std::vector<int> values;
  for (const auto& part : split(text)) {
    const auto dash = part.find('-', 1);
    if (dash == std::string::npos) {
      values.push_back(std::stoi(part));
    } else {
      for (int v = std::stoi(part.substr(0, dash)); v <= std::stoi(part.substr(dash + 1)); ++v) values.push_back(v);
    }
  }
  return values;
}

}  // namespace hpo::bench
