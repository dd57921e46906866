#pragma once
// What makes an objective's result a completed trial: one rule for Study::tell and for a journal
// read back, so that a file cannot hold what tell() would refuse.

#include <cmath>
#include <cstddef>
#include <string>

#include <Eigen/Core>

#include "hpo/space/search_space.hpp"

namespace hpo::detail {

/// Real parameters of a space: the length a gradient must have.
inline std::size_t real_parameter_count(const SearchSpace& space) noexcept {
  std::size_t n = 0;
  for (const auto& p : space.parameters()) n += p.kind == ParameterKind::Real;
  return n;
}

/// Why a value and gradient cannot complete a trial of `space` (a non-finite value, a gradient of
/// the wrong length or with a non-finite entry), or "" when they can.
inline std::string evaluation_problem(const SearchSpace& space, double value, const Eigen::VectorXd& gradient) {
  if (!std::isfinite(value))
    return "objective returned " + std::string(std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
  const std::size_t reals = real_parameter_count(space);
  if (gradient.size() != 0 && static_cast<std::size_t>(gradient.size()) != reals)
    return "objective returned a gradient of " + std::to_string(gradient.size()) + " entries; expected " +
           std::to_string(reals) + " (one per real parameter)";
  if (!gradient.allFinite()) return "objective returned a gradient with a non-finite entry";
  return {};
}

}  // namespace hpo::detail
