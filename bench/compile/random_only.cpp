// Compile-time probe: a user's program that runs random and grid search and reads the study.
// bench/compile_time.sh checks that this translation unit pays for no Gaussian process, L-BFGS-B
// or acquisition function.
#include <hpo/optimize.hpp>
#include <hpo/optimizers/grid_search.hpp>
#include <hpo/optimizers/random_search.hpp>

#include <cstdio>

int main() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0).add_int("n", 1, 8).add_categorical("act", {"relu", "tanh"});
  auto f = [](const hpo::Config& c) { return c.get<double>("x") * c.get<double>("x") + c.get<int>("n"); };
  hpo::RandomSearch random({.seed = 1});
  hpo::Study a = hpo::optimize(space, f, random, {.max_evaluations = 20, .progress = false});
  hpo::GridSearch grid({.points_per_dimension = 3});
  hpo::Study b = hpo::optimize(space, f, grid, {.max_evaluations = 20, .progress = false});
  std::printf("%g %g\n", a.best().value, b.best().value);
}
