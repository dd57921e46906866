#pragma once
// Bodies of candidates.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/candidates.hpp"

namespace hpo::bayesian {

HPO_INLINE std::vector<Eigen::VectorXd> candidate_points(const SearchSpace& space, const Eigen::VectorXd& incumbent_u,
                                                         StepKind step, std::size_t sweep, double width,
                                                         std::uint64_t seed, std::size_t trials) {
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
