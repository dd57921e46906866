#pragma once
// Bayesian optimization's first trials: the warm start's transferred points, then a scrambled
// Sobol design; and the uniform fallback when no proposal is new.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/sampling/sobol.hpp"
#include "hpo/study/seen_configurations.hpp"
#include "hpo/study/study.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo::bayesian {

/// The initial design: before the model takes over, the warm start's initial points (the sources'
/// best configurations) come first, then the scrambled Sobol points of the seed in index order,
/// skipping any already in the study; with `centre_first`, the first trial of an empty study is
/// the centre of the unit cube, before any warm-start point and instead of Sobol point 0. Trial
/// k's Sobol point is point k, so a resumed study continues the same design.
/// Usage: `if (study.trials().size() < design.size(d)) return design.next(study, warm, seen);`
class InitialDesign {
 public:
  /// `configured`: BayesianOptions::initial_design (0 for the default size); `centre_first`:
  /// BayesianOptions::centre_first.
  InitialDesign(std::uint64_t seed, std::size_t configured, bool centre_first)
      : seed_(seed), configured_(configured), centre_first_(centre_first) {}

  /// Trials before the model takes over: the configured size, else max(5, min(d + 1, 12)).
  std::size_t size(std::size_t dimensions) const;

  std::optional<Config> next(const Study& study, const WarmStart& warm, const detail::SeenConfigurations& seen) const;

  /// A uniformly drawn configuration not in the study (1,000 tries), or std::nullopt: a finite
  /// space whose every configuration has been tried.
  std::optional<Config> random_unseen(const Study& study, const detail::SeenConfigurations& seen) const;

 private:
  std::uint64_t seed_;
  std::size_t configured_;
  bool centre_first_;
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/initial_design.ipp"
#endif
