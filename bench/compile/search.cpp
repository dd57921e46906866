// The one translation unit that includes hpo: it describes the space and calls optimize().
#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>

#include <cstdio>

#include "training.hpp"

int main() {
  hpo::SearchSpace space;
  space.add_real("learning_rate", 1e-5, 1e-1, hpo::Scale::Log).add_real("momentum", 0.5, 0.99);
  hpo::BayesianOptimization bo({.seed = 7});
  auto objective = [](const hpo::Config& c) {
    return train_and_validate({.learning_rate = c.get<double>("learning_rate"), .momentum = c.get<double>("momentum")});
  };
  hpo::Study study = hpo::optimize(space, objective, bo, {.max_evaluations = 30, .progress = false});
  std::printf("best loss %g\n", study.best().value);
}
