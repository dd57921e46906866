#pragma once
// Axes: the map from a quantity to pixels along one side of a plot, and its ticks. Linear axes
// use "nice numbers" (steps of 1, 2 or 5 times a power of ten), log axes powers of ten, category
// axes one named band per category. Parameter axes put a value exactly where the search space's
// unit cube does (Parameter::to_unit), so that a model drawn on the unit cube lines up with them.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/report/svg.hpp"
#include "hpo/space/parameter.hpp"

namespace hpo::report {

/// How an axis spreads its values: evenly, evenly in log10, or as equal named bands.
/// Usage: `if (axis.scale() == AxisScale::Category) ...`
enum class AxisScale { Linear, Log, Category };

/// One tick: where it is (in the axis' quantity) and what it says.
/// Usage: `for (const Tick& t : axis.ticks()) svg.text({axis(t.value), y}, t.label);`
struct Tick {
  double value = 0.0;
  std::string label;
};

namespace detail {
// Heckbert, "Nice numbers for graph labels", Graphics Gems (1990): 1, 2, 5 or 10 times a power of ten.
HPO_INLINE double nice_number(double x, bool round);

// A tick label with as many digits as the step needs: 0.25 with a step of 0.05, 1000 with 200.
HPO_INLINE std::string tick_label(double v, double step);

// Keeps the domain finite and non-empty: the span of ±1e306 is still a finite double.
HPO_INLINE void sanitize_domain(double& lo, double& hi);
}  // namespace detail

/// Maps one quantity to pixels between `from` and `to` (from > to for a y axis drawn upwards) and
/// gives its ticks. Values outside the domain are clamped to its ends.
/// Usage:
///   auto y = Axis::linear(0.0, 0.93, 300, 40);   // widened to [0, 1], ticks 0, 0.2, ... 1
///   svg.circle({x(3), y(0.5)}, 2, "dot");
class Axis {
 public:
  /// Evenly spread over [lo, hi], widened to the nearest nice ticks unless `exact`; with `integers`
  /// ticks only at whole numbers. A degenerate range (lo == hi) is widened around its value.
  static Axis linear(double lo, double hi, double from, double to, bool exact = false, bool integers = false);

  /// Evenly spread in log10 over [lo, hi] (both > 0), ticks at powers of ten (and at 2 and 5 times
  /// them when the range is short); widened to whole decades unless `exact`.
  static Axis log(double lo, double hi, double from, double to, bool exact = false);

  /// One band per name, in order.
  static Axis categories(std::vector<std::string> names, double from, double to);

  /// A parameter's axis over its whole range: reals over [low, high], integers over
  /// [low - 1/2, high + 1/2] (each value in the middle of its cell), log when the parameter is,
  /// categories as named bands. pixel(coordinate(p, v)) is where Parameter::to_unit puts v.
  static Axis parameter(const Parameter& p, double from, double to);

  /// Where a parameter's value sits on its axis: the number itself, or the category's index.
  static double coordinate(const Parameter& p, const Value& v);

  /// An axis for observed values: log10 when all are positive and span more than three decades
  /// (losses, errors), linear otherwise; widened to nice ticks.
  static Axis values(const std::vector<double>& observed, double from, double to);

  AxisScale scale() const noexcept { return scale_; }
  double lo() const noexcept { return lo_; }
  double hi() const noexcept { return hi_; }
  double from() const noexcept { return from_; }
  double to() const noexcept { return to_; }
  const std::vector<Tick>& ticks() const noexcept { return ticks_; }

  /// Position in [0, 1] along the axis, clamped (a category index k: the middle of band k).
  double fraction(double v) const;

  /// Pixel of a value.
  double operator()(double v) const { return from_ + fraction(v) * (to_ - from_); }

  /// Width of one category band in pixels (the whole axis when not categorical).
  double band() const noexcept { return std::abs(to_ - from_) / (scale_ == AxisScale::Category ? hi_ : 1.0); }

  /// The ticks whose labels fit side by side: along a horizontal axis (`vertical` false) labels
  /// need their text width, along a vertical one their line height; every k-th tick is kept, with
  /// the smallest k for which none overlap.
  std::vector<Tick> labelled_ticks(bool vertical, double font_size = 11.0) const;

 private:
  Axis(AxisScale scale, double from, double to) : scale_(scale), from_(from), to_(to) {}

  bool fits(const std::vector<Tick>& kept, bool vertical, double font_size) const;

  void add_log_ticks(double length);

  void drop_fractional_ticks() {
    std::erase_if(ticks_, [](const Tick& t) { return t.value != std::round(t.value); });
  }

  AxisScale scale_;
  double from_, to_;
  double lo_ = 0.0, hi_ = 1.0;
  double log_lo_ = 0.0, log_hi_ = 1.0;
  std::vector<Tick> ticks_;
};

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/axis.ipp"
#endif
