#pragma once
// Bodies of initial_design.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/initial_design.hpp"

namespace hpo::bayesian {

HPO_INLINE std::size_t InitialDesign::size(std::size_t dimensions) const {
  if (configured_ > 0) return configured_;
  return std::max<std::size_t>(5, std::min<std::size_t>(dimensions + 1, 12));
}

HPO_INLINE std::optional<Config> InitialDesign::next(const Study& study, const WarmStart& warm,
                                                     const detail::SeenConfigurations& seen) const {
  if (centre_first_ && study.trials().empty())
    return study.space().from_unit(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(study.space().size()), 0.5));
  if (!warm.empty())
    if (auto transferred = warm.next_initial_point(study)) return transferred;
  const Sobol sobol(study.space().size(), seed_, true);
  for (std::uint64_t index = study.trials().size(), tries = 0; tries < 256; ++index, ++tries) {
    Config config = study.space().from_unit(sobol.point(index));
    if (!seen.contains(config)) return config;
  }
  return random_unseen(study, seen);
}

HPO_INLINE std::optional<Config> InitialDesign::random_unseen(const Study& study,
                                                              const detail::SeenConfigurations& seen) const {
  Rng rng(seed_ ^ detail::salt::kRandomFallback, study.trials().size());
  for (int tries = 0; tries < 1000; ++tries) {
    Eigen::VectorXd u(static_cast<Eigen::Index>(study.space().size()));
    for (auto& c : u) c = rng.uniform();
    Config config = study.space().from_unit(u);
    if (!seen.contains(config)) return config;
  }
  return std::nullopt;
}

}  // namespace hpo::bayesian
