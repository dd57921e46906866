#pragma once
// hpo::optimize() without an optimizer argument runs Bayesian optimization. This overload lives
// apart from optimize.hpp so that a program naming its own optimizer compiles no Gaussian process.

#include <concepts>
#include <utility>

#include "hpo/optimize.hpp"
#include "hpo/optimizers/bayesian_optimization.hpp"

namespace hpo {

/// Runs a search with the default optimizer, Bayesian optimization (seed 0).
/// Usage: `hpo::Study study = hpo::optimize(space, f, {.max_evaluations = 50});`
template <class Space, class F>
requires std::derived_from<Space, SearchSpace> Study optimize(const Space& space, F&& objective,
                                                              const RunOptions& options = {}) {
  return optimize(space, std::forward<F>(objective), BayesianOptimization(), options);
}

}  // namespace hpo
