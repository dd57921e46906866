// Bayesian optimization on Branin where a share of the space is infeasible and returns a penalty
// (the largest double, 1e300, or moderate ones), minimized, or maximized as -Branin with the
// negated penalty: in how many of 10 seeds the best value comes within 1e-2 of the minimum, and the
// worst regret. The figures behind gp::ValueTransform's clipping (bench/results/design_measurements.md).
// Usage: penalties [evaluations]
// Prints one line per case: name, seeds solved, worst regret (inf when a run threw, with its message).
#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>

#include "functions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

int main(int argc, char** argv) {
  const auto evaluations = static_cast<std::size_t>(argc > 1 ? std::atoi(argv[1]) : 60);
  hpo::SearchSpace space;
  space.add_real("x1", -5.0, 10.0).add_real("x2", 0.0, 15.0);
  const double max = std::numeric_limits<double>::max();
  struct Case {
    const char* name;
    double penalty;
    double limit;  // infeasible where x1 > limit: 40% of the space at 4, 13% at 8, 60% at 1
    bool maximize;
  };
  const std::vector<Case> cases{
      {"no penalty", 0.0, 99.0, false},           {"largest double on 40%", max, 4.0, false},
      {"1e300 on 40%", 1e300, 4.0, false},        {"-(largest double) on 40%, maximized", -max, 4.0, true},
      {"largest double on 13%", max, 8.0, false}, {"1e300 on 13%", 1e300, 8.0, false},
      {"1e300 on 60%", 1e300, 1.0, false},        {"1e10 on 13%", 1e10, 8.0, false},
      {"1e10 on 40%", 1e10, 4.0, false},          {"1e3 on 13%", 1e3, 8.0, false}};
  const hpo::bench::TestFunction& branin = *hpo::bench::find_function("branin");
  for (const Case& k : cases) {
    int solved = 0;
    double worst = 0.0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const auto f = [&](const hpo::Config& c) {
        const std::vector<double> x{c.get<double>("x1"), c.get<double>("x2")};
        if (x[0] > k.limit) return k.penalty;
        const double value = branin(x);
        return k.maximize ? -value : value;
      };
      try {
        const auto study = hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed}),
                                         {.max_evaluations = evaluations,
                                          .direction = k.maximize ? hpo::Direction::Maximize : hpo::Direction::Minimize,
                                          .progress = false});
        const double regret = std::abs(study.best().value) - branin.optimum;
        worst = std::max(worst, regret);
        solved += regret < 1e-2;
      } catch (const std::exception& e) {
        std::printf("  %s, seed %d threw: %s\n", k.name, static_cast<int>(seed), e.what());
        worst = std::numeric_limits<double>::infinity();
      }
    }
    std::printf("%-36s solved %2d/10, worst regret %.3g\n", k.name, solved, worst);
    std::fflush(stdout);
  }
}
