#pragma once
// Bodies of axis.hpp; see core/linkage.hpp.
#include "hpo/report/axis.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice;
  if (round)
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * std::pow(10.0, exponent);
}

HPO_INLINE std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-9) return "0";
  const int digits = static_cast<int>(std::floor(std::log10(std::abs(v))) - std::floor(std::log10(step))) + 1;
  return format_number(v, std::max(digits, 1));
}

HPO_INLINE void sanitize_domain(double& lo, double& hi) {
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

HPO_INLINE Axis Axis::linear(double lo, double hi, double from, double to, bool exact, bool integers) {
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

HPO_INLINE Axis Axis::log(double lo, double hi, double from, double to, bool exact) {
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

HPO_INLINE Axis Axis::categories(std::vector<std::string> names, double from, double to) {
  Axis axis(AxisScale::Category, from, to);
  axis.lo_ = 0.0;
  axis.hi_ = static_cast<double>(std::max<std::size_t>(names.size(), 1));
  for (std::size_t k = 0; k < names.size(); ++k) axis.ticks_.push_back({static_cast<double>(k), std::move(names[k])});
  return axis;
}

HPO_INLINE Axis Axis::parameter(const Parameter& p, double from, double to) {
  if (p.kind == ParameterKind::Categorical) return categories(p.categories, from, to);
  const double pad = p.kind == ParameterKind::Integer ? 0.5 : 0.0;
  if (p.scale == Scale::Log) {
    Axis axis = log(p.low - pad, p.high + pad, from, to, true);
    if (p.kind == ParameterKind::Integer) axis.drop_fractional_ticks();
    return axis;
  }
  return linear(p.low - pad, p.high + pad, from, to, true, p.kind == ParameterKind::Integer);
}

HPO_INLINE double Axis::coordinate(const Parameter& p, const Value& v) {
  if (const auto* x = std::get_if<double>(&v)) return *x;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return static_cast<double>(p.category_index(std::get<std::string>(v)));
}

HPO_INLINE Axis Axis::values(const std::vector<double>& observed, double from, double to) {
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

HPO_INLINE double Axis::fraction(double v) const {
  double f;
  if (scale_ == AxisScale::Category)
    f = (v + 0.5) / hi_;
  else if (scale_ == AxisScale::Log)
    f = v > 0.0 ? (std::log10(v) - log_lo_) / (log_hi_ - log_lo_) : 0.0;
  else
    f = v / (hi_ - lo_) - lo_ / (hi_ - lo_);  // no hi - lo overflow
  return std::isfinite(f) ? std::clamp(f, 0.0, 1.0) : (v > 0.0 ? 1.0 : 0.0);
}

HPO_INLINE std::vector<Tick> Axis::labelled_ticks(bool vertical, double font_size) const {
  if (ticks_.size() < 2) return ticks_;
  for (std::size_t k = 1; k < ticks_.size(); ++k) {
    std::vector<Tick> kept;
    for (std::size_t i = 0; i < ticks_.size(); i += k) kept.push_back(ticks_[i]);
    if (fits(kept, vertical, font_size)) return kept;
  }
  return {ticks_.front()};
}

HPO_INLINE bool Axis::fits(const std::vector<Tick>& kept, bool vertical, double font_size) const {
  for (std::size_t i = 1; i < kept.size(); ++i) {
    const double gap = std::abs((*this)(kept[i].value) - (*this)(kept[i - 1].value));
    const double needed =
        vertical ? font_size * 1.25
                 : 0.5 * (text_width(kept[i].label, font_size) + text_width(kept[i - 1].label, font_size)) + 6.0;
    if (gap < needed) return false;
  }
  return true;
}

HPO_INLINE void Axis::add_log_ticks(double length) {
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

}  // namespace hpo::report
