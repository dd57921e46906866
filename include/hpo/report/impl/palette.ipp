#pragma once
// Bodies of palette.hpp; see core/linkage.hpp.
#include "hpo/report/palette.hpp"

namespace hpo::report::palette {

namespace detail {

HPO_INLINE std::string hex(double r, double g, double b) {
  const auto byte = [](double c) { return static_cast<int>(std::lround(std::clamp(c, 0.0, 1.0) * 255.0)); };
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02X%02X%02X", byte(r), byte(g), byte(b));
  return buffer;
}

}  // namespace detail

}  // namespace hpo::report::palette
