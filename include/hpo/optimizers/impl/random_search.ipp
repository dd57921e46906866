#pragma once
// Bodies of random_search.hpp; see core/linkage.hpp.
#include "hpo/optimizers/random_search.hpp"

namespace hpo {

HPO_INLINE std::optional<Config> RandomSearch::ask(const Study& study) {
  const auto& space = study.space();
  require_parameters(space, "hpo::RandomSearch");
  if (options_.sampler == Sampler::Sobol)
    check_sobol_dimensions(space.size(), "hpo::RandomSearch",
                           "use Sampler::Uniform or Sampler::LatinHypercube, which have no limit");
  const auto index = static_cast<std::uint64_t>(study.trials().size());
  const Eigen::VectorXd u = point(index, space.size());
  const WarmStart& warm = options_.warm_start;
  if (warm.empty()) return space.from_unit(u);
  check_warm_start_space(warm, space, "hpo::RandomSearch");
  if (auto initial = warm.next_initial_point(study)) return initial;
  // A separate stream decides inside or outside, so the design's own points stay untouched.
  const bool outside =
      Rng(options_.seed ^ detail::salt::kRegionChoice, index).uniform() < warm.options().outside_fraction;
  return outside ? space.from_unit(u) : warm.sample_in_region(u);
}

HPO_INLINE Eigen::VectorXd RandomSearch::point(std::uint64_t index, std::size_t dimensions) {
  switch (options_.sampler) {
    case Sampler::Sobol:
      if (!sobol_ || sobol_->dimensions() != dimensions) sobol_.emplace(dimensions, options_.seed, true);
      return sobol_->point(index);
    case Sampler::LatinHypercube:
      if (!latin_ || latin_dimensions_ != dimensions) {
        latin_.emplace(dimensions, options_.seed, options_.latin_hypercube_block);
        latin_dimensions_ = dimensions;
      }
      return latin_->point(index);
    default: {
      Rng rng(options_.seed, index);
      Eigen::VectorXd u(static_cast<Eigen::Index>(dimensions));
      for (auto& coordinate : u) coordinate = rng.uniform();
      return u;
    }
  }
}

}  // namespace hpo
