#pragma once
// Where Bayesian optimization evaluates its acquisition before refining the best points: a global
// Sobol sweep and Gaussian perturbations of the incumbent.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/space/search_space.hpp"

namespace hpo::bayesian {

/// What kind of step an ask takes: a global one over the whole space (with the transfer's
/// ensemble and region prior), or a local one around the incumbent (BayesianOptions::exploit_every).
enum class StepKind { Global, Local };

/// The half-width of the trust region of local steps, in the unit cube, after `model_asks`
/// model-based asks: from 0.2 down to 0.05 (TuRBO's shrinking region, Eriksson et al. 2019, on a
/// fixed schedule).
inline double trust_width(std::size_t model_asks) {
  return 0.05 + 0.15 * std::exp(-static_cast<double>(model_asks) / 30.0);
}

/// Candidates scored per global ask: `configured` (BayesianOptions::candidates), else
/// min(2000, max(500, 100 * model width)); halved above 100 observations, where prediction costs
/// more and the local candidates matter more.
inline std::size_t sweep_size(std::size_t configured, Eigen::Index model_width, Eigen::Index observations) {
  std::size_t sweep =
      configured ? configured
                 : std::min<std::size_t>(2000, std::max<std::size_t>(500, 100 * static_cast<std::size_t>(model_width)));
  if (observations > 100) sweep /= 2;
  return sweep;
}

/// The candidates of one ask in the parameters' unit cube: for a global step, `sweep` scrambled
/// Sobol points and sweep / 4 perturbations of the incumbent; for a local step, `sweep`
/// perturbations. A perturbation moves every real coordinate by a Gaussian of standard deviation
/// `width`, width / 4 or width / 16 in turn, and changes a category or an integer with
/// probability 1/d (an integer by a Gaussian four times as wide), at least one coordinate always.
/// Random streams depend on the seed and the number of trials only, so a resumed study proposes
/// the same candidates.
HPO_INLINE std::vector<Eigen::VectorXd> candidate_points(const SearchSpace& space, const Eigen::VectorXd& incumbent_u,
                                                         StepKind step, std::size_t sweep, double width,
                                                         std::uint64_t seed, std::size_t trials);

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/candidates.ipp"
#endif
