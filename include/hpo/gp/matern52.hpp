#pragma once
// Matérn 5/2 kernel: twice-differentiable sample paths, the usual default for Bayesian
// optimization (Snoek, Larochelle, Adams 2012), smooth enough for gradients of the
// acquisition yet not as overconfident as the squared exponential.

#include "hpo/gp/kernel.hpp"

#include <cmath>

namespace hpo::gp {

/// Radial profile of the Matérn 5/2 kernel, with s = √5·r:
/// g(r) = (1 + s + s²/3)·e^{−s}, g'(r)/r = −(5/3)·(1 + s)·e^{−s}.
struct Matern52Profile {
  static RadialProfileValue evaluate(double r) noexcept {
    const double s = std::sqrt(5.0) * r;
    if (s > 745.0) return {0.0, 0.0};  // e^{-s} underflows; s² alone would overflow to inf·0 = NaN
    const double decay = std::exp(-s);
    return {(1.0 + s + s * s / 3.0) * decay, -(5.0 / 3.0) * (1.0 + s) * decay};
  }
};

/// ARD Matérn 5/2 kernel k(x, x') = σ²·(1 + √5 r + 5r²/3)·exp(−√5 r), r the
/// length-scale-weighted distance (Rasmussen & Williams 2006, ch. 4, eq. 4.17).
/// The GaussianProcess's default kernel.
/// Usage: `hpo::gp::Matern52 kernel(Eigen::VectorXd::Constant(3, 0.2), 1.0); double k = kernel(a, b);`
class Matern52 : public StationaryArdKernel<Matern52Profile> {
 public:
  using StationaryArdKernel::StationaryArdKernel;
};

static_assert(Kernel<Matern52>);

}  // namespace hpo::gp
