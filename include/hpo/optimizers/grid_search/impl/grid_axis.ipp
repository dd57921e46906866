#pragma once
// Bodies of grid_axis.hpp; see core/linkage.hpp.
#include "hpo/optimizers/grid_search/grid_axis.hpp"

namespace hpo::grid {

HPO_INLINE std::uint64_t doubles_between(double low, double high) {
  // A key that grows by one from each double to the next.
  const auto key = [](double x) {
    const auto bits = std::bit_cast<std::int64_t>(x);
    return bits < 0 ? -(bits & std::numeric_limits<std::int64_t>::max()) : bits;
  };
  return static_cast<std::uint64_t>(key(high)) - static_cast<std::uint64_t>(key(low)) + 1;
}

HPO_INLINE Value GridAxis::value(std::uint64_t position) const {
  const Parameter& p = parameter_;
  if (p.kind == ParameterKind::Categorical) return p.categories[static_cast<std::size_t>(position)];
  if (p.kind == ParameterKind::Real) return std::clamp(spaced(position), p.low, p.high);
  if (position < dense_) return static_cast<std::int64_t>(p.low) + static_cast<std::int64_t>(position);
  return static_cast<std::int64_t>(std::round(spaced(sparse_from_ + (position - dense_))));
}

HPO_INLINE double GridAxis::spaced(std::uint64_t i) const {
  const Parameter& p = parameter_;
  const double t = points_ == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(points_ - 1);
  return p.scale == Scale::Log ? std::exp(std::log(p.low) + t * (std::log(p.high) - std::log(p.low)))
                               : p.low + t * (p.high - p.low);
}

HPO_INLINE void GridAxis::split_log_integers() {
  if (points_ == 1) {
    size_ = 1;
    return;
  }
  std::uint64_t lo = 0, hi = points_ - 1;  // the first sparse point is in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (spaced(mid + 1) - spaced(mid) >= 1.0)
      hi = mid;
    else
      lo = mid + 1;
  }
  sparse_from_ = lo;
  dense_ = static_cast<std::uint64_t>(std::round(spaced(lo)) - parameter_.low);
  size_ = dense_ + (points_ - sparse_from_);
}

}  // namespace hpo::grid
