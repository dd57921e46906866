#pragma once
// The benchmark programs' ablations of a warm start: --warm-parts, which parts of it to use, and
// --initial-points, how many transferred points to evaluate first.

#include <hpo/hpo.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.hpp"

namespace hpo::bench {

/// WarmStartOptions with only the named parts on ("initial,region,surrogate,basis,prior"; empty:
/// the defaults, every part).
inline hpo::WarmStartOptions warm_parts(const std::string& names) {
  hpo::WarmStartOptions options;
  if (names.empty()) return options;
  const auto parts = split(names);
  for (const auto& part : parts)
    if (part != "initial" && part != "region" && part != "surrogate" && part != "basis" && part != "prior")
      throw std::invalid_argument("unknown warm part " + part);
  const auto has = [&](const char* part) { return std::find(parts.begin(), parts.end(), part) != parts.end(); };
  options.use_initial_points = has("initial");
  options.use_region = has("region");
  options.use_surrogate = has("surrogate");
  options.use_source_basis = has("basis");
  options.use_hyperparameter_prior = has("prior");
  return options;
}

/// warm_parts(names), with `initial_points` transferred points (a count; empty: the option's default).
inline hpo::WarmStartOptions ablation_options(const std::string& names, const std::string& initial_points) {
  hpo::WarmStartOptions options = warm_parts(names);
  if (initial_points.empty()) return options;
  if (initial_points.size() > 9 || initial_points.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("--initial-points must be a count (0, 1, 2, ...), got \"" + initial_points + "\"");
  options.initial_points = std::stoul(initial_points);
  return options;
}

}  // namespace hpo::bench
