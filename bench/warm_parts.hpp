#pragma once
// The benchmark programs' --warm-parts: which parts of a warm start to use, for ablations.

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

}  // namespace hpo::bench
