#pragma once
// Squared-exponential (RBF) kernel: infinitely differentiable sample paths; it tends to
// be overconfident on real objectives, which is why Matérn 5/2 is the default.

#include "hpo/gp/kernel.hpp"

#include <cmath>

namespace hpo::gp {

/// Radial profile of the squared-exponential kernel: g(r) = e^{−r²/2}, g'(r)/r = −e^{−r²/2}.
struct SquaredExponentialProfile {
  static RadialProfileValue evaluate(double r) noexcept {
    const double value = std::exp(-0.5 * r * r);
    return {value, -value};
  }
};

/// ARD squared-exponential kernel k(x, x') = σ²·exp(−r²/2), r the length-scale-weighted
/// distance (Rasmussen & Williams 2006, ch. 4, eq. 4.9).
/// Usage: `hpo::gp::GaussianProcess<hpo::gp::SquaredExponential> gp;`
class SquaredExponential : public StationaryArdKernel<SquaredExponentialProfile> {
 public:
  using StationaryArdKernel::StationaryArdKernel;
};

static_assert(Kernel<SquaredExponential>);

}  // namespace hpo::gp
