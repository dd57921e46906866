#pragma once
// Where Bayesian optimization evaluates its acquisition before refining the best points: a global
// Sobol sweep and Gaussian perturbations of the incumbent.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

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
inline std::vector<Eigen::VectorXd> candidate_points(const SearchSpace& space, const Eigen::VectorXd& incumbent_u,
                                                     StepKind step, std::size_t sweep, double width, std::uint64_t seed,
                                                     std::size_t trials) {
  Rng rng(seed, detail::salt::kLocalCandidates + trials);
  const auto d = static_cast<Eigen::Index>(space.size());
  const std::size_t local = step == StepKind::Local ? sweep : sweep / 4;
  std::vector<Eigen::VectorXd> points;
  points.reserve(sweep + local);
  if (step == StepKind::Global) {
    const Sobol sobol(space.size(), seed + detail::salt::kCandidateSweep * (1 + trials), true);
    const Eigen::MatrixXd design = sobol.points(0, sweep);
    for (Eigen::Index i = 0; i < design.rows(); ++i) points.emplace_back(design.row(i).transpose());
  }
  const double scales[] = {width, width / 4, width / 16};
  for (std::size_t i = 0; i < local; ++i) {
    Eigen::VectorXd u = incumbent_u;
    const double scale = scales[i % 3];
    bool moved = false;
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto& p = space[static_cast<std::size_t>(j)];
      if (p.kind == ParameterKind::Real) {
        u[j] = std::clamp(u[j] + scale * rng.normal(), 0.0, 1.0);
        moved = true;
      } else if (rng.uniform() < 1.0 / static_cast<double>(d) || (!moved && j == d - 1)) {
        u[j] = p.kind == ParameterKind::Integer ? std::clamp(u[j] + 4 * scale * rng.normal(), 0.0, 1.0) : rng.uniform();
      }
    }
    points.push_back(std::move(u));
  }
  return points;
}

}  // namespace hpo::bayesian
