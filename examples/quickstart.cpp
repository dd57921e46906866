// Quick start: minimize the Branin function with Bayesian optimization, then print the best trial.
#include <hpo/hpo.hpp>

#include <cmath>
#include <cstdio>
#include <numbers>

int main() {
  hpo::SearchSpace space;
  space.add_real("x1", -5.0, 10.0);
  space.add_real("x2", 0.0, 15.0);

  auto branin = [](const hpo::Config& c) {
    const double x1 = c.get<double>("x1"), x2 = c.get<double>("x2");
    const double pi = std::numbers::pi;
    const double b = 5.1 / (4 * pi * pi), cc = 5 / pi, t = 1 / (8 * pi);
    return std::pow(x2 - b * x1 * x1 + cc * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
  };

  hpo::BayesianOptimization bo({.seed = 7});
  hpo::Study study = hpo::optimize(space, branin, bo, {.max_evaluations = 40});

  const auto& best = study.best();
  std::printf("best value %.5f (global minimum 0.39789) at %s after %zu trials\n", best.value,
              best.config.to_string().c_str(), study.trials().size());
}
