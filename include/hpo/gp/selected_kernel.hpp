#pragma once
// A stationary ARD kernel whose radial profile is chosen at run time: one Gaussian-process type
// serves every kernel an optimizer may be configured with, so a user's program instantiates the
// GP's fit and predictions once, not once per kernel.

#include "hpo/gp/kernel.hpp"
#include "hpo/gp/matern32.hpp"
#include "hpo/gp/matern52.hpp"
#include "hpo/gp/squared_exponential.hpp"

namespace hpo {

/// Which covariance function a Gaussian process uses (all with one length scale per model coordinate).
enum class KernelType { Matern52, Matern32, SquaredExponential };

namespace gp {

/// The radial profile of the kernel named by a KernelType.
struct SelectedProfile {
  KernelType type = KernelType::Matern52;

  RadialProfileValue evaluate(double r) const noexcept {
    switch (type) {
      case KernelType::Matern32:
        return Matern32Profile::evaluate(r);
      case KernelType::SquaredExponential:
        return SquaredExponentialProfile::evaluate(r);
      default:
        return Matern52Profile::evaluate(r);
    }
  }
};

/// Matern52, Matern32 or SquaredExponential, chosen when constructed; it computes exactly what the
/// named kernel computes.
/// Usage: `hpo::gp::GaussianProcess<hpo::gp::SelectedKernel> gp({}, hpo::gp::SelectedKernel(0,
/// hpo::KernelType::Matern32));`
class SelectedKernel : public StationaryArdKernel<SelectedProfile> {
 public:
  using StationaryArdKernel::StationaryArdKernel;
  SelectedKernel(Eigen::Index dimension, KernelType type) : StationaryArdKernel(dimension, SelectedProfile{type}) {}

  KernelType type() const noexcept { return profile().type; }
  SelectedKernel with_dimension(Eigen::Index dimension) const { return {dimension, type()}; }
};

static_assert(Kernel<SelectedKernel>);

}  // namespace gp
}  // namespace hpo
