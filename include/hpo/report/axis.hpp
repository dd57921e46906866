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
inline double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice;
  if (round)
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * std::pow(10.0, exponent);
}

// A tick label with as many digits as the step needs: 0.25 with a step of 0.05, 1000 with 200.
inline std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-9) return "0";
  const int digits = static_cast<int>(std::floor(std::log10(std::abs(v))) - std::floor(std::log10(step))) + 1;
  return format_number(v, std::max(digits, 1));
}

// Keeps the domain finite and non-empty: the span of ±1e306 is still a finite double.
inline void sanitize_domain(double& lo, double& hi) {
  if (!std::isfinite(lo)) lo = -1.0;
  if (!std::isfinite(hi)) hi = 1.0;
  lo = std::clamp(lo, -1e306, 1e306);
  hi = std::clamp(hi, -1e306, 1e306);
  if (lo > hi) std::swap(lo, hi);
  if (lo < hi) return;
  const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
  lo -= pad;
  hi += pad;
  if (!(lo < hi)) lo -= 1.0, hi += 1.0;  // a denormal value
}
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
  static Axis linear(double lo, double hi, double from, double to, bool exact = false, bool integers = false) {
    detail::sanitize_domain(lo, hi);
    Axis axis(AxisScale::Linear, from, to);
    // A y axis runs upwards (to < from) and its labels need a line each, not their width.
    const double length = std::abs(to - from), per_tick = to < from ? 45.0 : 60.0;
    const int wanted = std::clamp(static_cast<int>(length / per_tick), 2, 10);
    double step = detail::nice_number(detail::nice_number(hi - lo, false) / wanted, true);
    if (integers) step = std::max(step, 1.0);
    const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
    axis.lo_ = exact ? lo : std::min(lo, std::floor(lo / step + 1e-9) * step);
    axis.hi_ = exact ? hi : std::max(hi, std::ceil(hi / step - 1e-9) * step);
    const double from_tick = exact ? first : std::floor(lo / step + 1e-9),
                 to_tick = exact ? last : std::ceil(hi / step - 1e-9);
    for (double k = from_tick; k <= to_tick && axis.ticks_.size() < 50; ++k) {
      const double v = k * step;
      axis.ticks_.push_back({v, detail::tick_label(v, step)});
    }
    return axis;
  }

  /// Evenly spread in log10 over [lo, hi] (both > 0), ticks at powers of ten (and at 2 and 5 times
  /// them when the range is short); widened to whole decades unless `exact`.
  static Axis log(double lo, double hi, double from, double to, bool exact = false) {
    if (!(lo > 0.0) || !std::isfinite(lo)) lo = std::min(1e-300, hi > 0.0 ? hi : 1.0);
    detail::sanitize_domain(lo, hi);
    lo = std::max(lo, 1e-300);
    Axis axis(AxisScale::Log, from, to);
    double a = std::log10(lo), b = std::log10(hi);
    if (!exact) a = std::floor(a + 1e-9), b = std::ceil(b - 1e-9);
    if (!(a < b)) b = a + 1.0;
    axis.lo_ = std::pow(10.0, a);
    axis.hi_ = std::pow(10.0, b);
    axis.log_lo_ = a;
    axis.log_hi_ = b;
    axis.add_log_ticks(std::abs(to - from));
    return axis;
  }

  /// One band per name, in order.
  static Axis categories(std::vector<std::string> names, double from, double to) {
    Axis axis(AxisScale::Category, from, to);
    axis.lo_ = 0.0;
    axis.hi_ = static_cast<double>(std::max<std::size_t>(names.size(), 1));
    for (std::size_t k = 0; k < names.size(); ++k) axis.ticks_.push_back({static_cast<double>(k), std::move(names[k])});
    return axis;
  }

  /// A parameter's axis over its whole range: reals over [low, high], integers over
  /// [low - 1/2, high + 1/2] (each value in the middle of its cell), log when the parameter is,
  /// categories as named bands. pixel(coordinate(p, v)) is where Parameter::to_unit puts v.
  static Axis parameter(const Parameter& p, double from, double to) {
    if (p.kind == ParameterKind::Categorical) return categories(p.categories, from, to);
    const double pad = p.kind == ParameterKind::Integer ? 0.5 : 0.0;
    if (p.scale == Scale::Log) {
      Axis axis = log(p.low - pad, p.high + pad, from, to, true);
      if (p.kind == ParameterKind::Integer) axis.drop_fractional_ticks();
      return axis;
    }
    return linear(p.low - pad, p.high + pad, from, to, true, p.kind == ParameterKind::Integer);
  }

  /// Where a parameter's value sits on its axis: the number itself, or the category's index.
  static double coordinate(const Parameter& p, const Value& v) {
    if (const auto* x = std::get_if<double>(&v)) return *x;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    return static_cast<double>(p.category_index(std::get<std::string>(v)));
  }

  /// An axis for observed values: log10 when all are positive and span more than three decades
  /// (losses, errors), linear otherwise; widened to nice ticks.
  static Axis values(const std::vector<double>& observed, double from, double to) {
    double lo = 0.0, hi = 0.0;
    bool any = false;
    for (const double v : observed) {
      if (!std::isfinite(v)) continue;
      lo = any ? std::min(lo, v) : v;
      hi = any ? std::max(hi, v) : v;
      any = true;
    }
    if (any && lo > 0.0 && hi / lo > 1e3) return log(lo, hi, from, to);
    return linear(lo, hi, from, to);
  }

  AxisScale scale() const noexcept { return scale_; }
  double lo() const noexcept { return lo_; }
  double hi() const noexcept { return hi_; }
  double from() const noexcept { return from_; }
  double to() const noexcept { return to_; }
  const std::vector<Tick>& ticks() const noexcept { return ticks_; }

  /// Position in [0, 1] along the axis, clamped (a category index k: the middle of band k).
  double fraction(double v) const {
    double f;
    if (scale_ == AxisScale::Category)
      f = (v + 0.5) / hi_;
    else if (scale_ == AxisScale::Log)
      f = v > 0.0 ? (std::log10(v) - log_lo_) / (log_hi_ - log_lo_) : 0.0;
    else
      f = v / (hi_ - lo_) - lo_ / (hi_ - lo_);  // no hi - lo overflow
    return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : (v > 0.0 ? 1.0 : 0.0);
  }

  /// Pixel of a value.
  double operator()(double v) const { return from_ + fraction(v) * (to_ - from_); }

  /// Width of one category band in pixels (the whole axis when not categorical).
  double band() const noexcept { return std::abs(to_ - from_) / (scale_ == AxisScale::Category ? hi_ : 1.0); }

  /// The ticks whose labels fit side by side: along a horizontal axis (`vertical` false) labels
  /// need their text width, along a vertical one their line height; every k-th tick is kept, with
  /// the smallest k for which none overlap.
  std::vector<Tick> labelled_ticks(bool vertical, double font_size = 11.0) const {
    if (ticks_.size() < 2) return ticks_;
    for (std::size_t k = 1; k < ticks_.size(); ++k) {
      std::vector<Tick> kept;
      for (std::size_t i = 0; i < ticks_.size(); i += k) kept.push_back(ticks_[i]);
      if (fits(kept, vertical, font_size)) return kept;
    }
    return {ticks_.front()};
  }

 private:
  Axis(AxisScale scale, double from, double to) : scale_(scale), from_(from), to_(to) {}

  bool fits(const std::vector<Tick>& kept, bool vertical, double font_size) const {
    for (std::size_t i = 1; i < kept.size(); ++i) {
      const double gap = std::abs((*this)(kept[i].value) - (*this)(kept[i - 1].value));
      const double needed =
          vertical ? font_size * 1.25
                   : 0.5 * (text_width(kept[i].label, font_size) + text_width(kept[i - 1].label, font_size)) + 6.0;
      if (gap < needed) return false;
    }
    return true;
  }

  void add_log_ticks(double length) {
    const double decades = log_hi_ - log_lo_;
    const int first = static_cast<int>(std::ceil(log_lo_ - 1e-9)), last = static_cast<int>(std::floor(log_hi_ + 1e-9));
    const int wanted = std::clamp(static_cast<int>(length / 45.0), 2, 12);
    const int every = std::max(1, static_cast<int>(std::ceil(decades / wanted)));
    const bool with_multiples = decades <= 2.5;
    for (int e = first - 1; e <= last; ++e) {
      for (const double m : {1.0, 2.0, 5.0}) {
        if (m != 1.0 && !with_multiples) continue;
        if (m == 1.0 && ((e % every) + every) % every != 0) continue;
        const double v = m * std::pow(10.0, e), l = std::log10(v);
        if (l < log_lo_ - 1e-9 || l > log_hi_ + 1e-9) continue;
        ticks_.push_back({v, format_number(v, 1)});
      }
    }
    if (ticks_.size() < 2) ticks_ = linear(lo_, hi_, 0.0, length, true).ticks_;  // less than a decade
  }

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
