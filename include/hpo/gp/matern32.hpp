#pragma once
// Matérn 3/2 kernel: once-differentiable sample paths, for rougher objectives than the
// Matérn 5/2 default assumes.

#include "hpo/gp/kernel.hpp"

#include <cmath>

namespace hpo::gp {

/// Radial profile of the Matérn 3/2 kernel, with s = √3·r:
/// g(r) = (1 + s)·e^{−s}, g'(r)/r = −3·e^{−s}.
struct Matern32Profile {
  static RadialProfileValue evaluate(double r) noexcept {
    const double s = std::sqrt(3.0) * r;
    if (s > 745.0) return {0.0, 0.0};  // e^{-s} underflows; at s = inf, (1 + s)·0 would be NaN
    const double decay = std::exp(-s);
    return {(1.0 + s) * decay, -3.0 * decay};
  }
};

/// ARD Matérn 3/2 kernel k(x, x') = σ²·(1 + √3 r)·exp(−√3 r), r the
/// length-scale-weighted distance (Rasmussen & Williams 2006, ch. 4, eq. 4.17).
/// Usage: `hpo::gp::GaussianProcess<hpo::gp::Matern32> gp;`
class Matern32 : public StationaryArdKernel<Matern32Profile> {
 public:
  using StationaryArdKernel::StationaryArdKernel;
};

static_assert(Kernel<Matern32>);

}  // namespace hpo::gp
