#pragma once
// Colours of the report, chosen to stay distinct for colour-blind readers: the Okabe-Ito palette
// (Okabe & Ito, "Color Universal Design", 2008) for studies and trial states, viridis (van der Walt
// & Smith, 2015: perceptually uniform, readable in grey and with red-green deficiencies) for values.
// Shapes repeat what colours say (a failed trial is a cross, a pruned one a triangle), so that no
// plot relies on colour alone.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "hpo/core/linkage.hpp"

namespace hpo::report::palette {

/// Colours of overlaid studies, in order (blue, orange, bluish green, vermillion, reddish purple,
/// sky blue, black); Okabe-Ito's yellow is left out, too pale on white.
inline constexpr std::array<std::string_view, 7> studies{"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                         "#CC79A7", "#56B4E9", "#000000"};

/// The colour of study number `i` (cycling past seven).
/// Usage: `svg.circle(at, 3, "dot", palette::study(index));`
inline std::string_view study(std::size_t i) noexcept { return studies[i % studies.size()]; }

/// Colours of trial states (and grey for what is neither), e.g. `svg.rect(..., "bar", palette::failed);`
inline constexpr std::string_view completed = "#0072B2";  ///< blue
inline constexpr std::string_view failed = "#D55E00";     ///< vermillion
inline constexpr std::string_view pruned = "#CC79A7";     ///< reddish purple
inline constexpr std::string_view running = "#E69F00";    ///< orange
inline constexpr std::string_view neutral = "#999999";

namespace detail {
HPO_INLINE std::string hex(double r, double g, double b);

template <std::size_t N>
std::string interpolate(const std::array<std::array<double, 3>, N>& anchors, double t) {
  t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
  const double position = t * static_cast<double>(N - 1);
  const auto k = std::min(static_cast<std::size_t>(position), N - 2);
  const double f = position - static_cast<double>(k);
  const auto& a = anchors[k];
  const auto& b = anchors[k + 1];
  return hex(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]));
}

// Viridis at 0, 0.1, ..., 0.9 (its palest tenth, near yellow, is left out: too faint on white).
inline constexpr std::array<std::array<double, 3>, 10> viridis_anchors{{{0.267, 0.005, 0.329},
                                                                        {0.283, 0.141, 0.458},
                                                                        {0.254, 0.265, 0.530},
                                                                        {0.207, 0.372, 0.553},
                                                                        {0.164, 0.471, 0.558},
                                                                        {0.128, 0.567, 0.551},
                                                                        {0.135, 0.659, 0.518},
                                                                        {0.267, 0.749, 0.441},
                                                                        {0.478, 0.821, 0.318},
                                                                        {0.741, 0.873, 0.150}}};

// Light to dark blue: the order of trials (early light, late dark).
inline constexpr std::array<std::array<double, 3>, 3> order_anchors{
    {{0.70, 0.84, 0.93}, {0.30, 0.58, 0.80}, {0.03, 0.19, 0.42}}};
}  // namespace detail

/// Viridis at t in [0, 1]: 0 is dark purple (the report's "best"), 1 yellow-green ("worst").
/// Usage: `svg.polyline(points, "trace", palette::viridis(rank_fraction));`
inline std::string viridis(double t) { return detail::interpolate(detail::viridis_anchors, t); }

/// A light-to-dark blue ramp for the order of trials: t = 0 the first trial, 1 the last.
/// Usage: `palette::trial_order(double(n) / double(last))`
inline std::string trial_order(double t) { return detail::interpolate(detail::order_anchors, t); }

}  // namespace hpo::report::palette

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/palette.ipp"
#endif
