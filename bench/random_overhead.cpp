// The library's own cost per trial: N random-search evaluations of Branin, a cheap objective.
// Run under /usr/bin/time -v for whole-process time and peak memory:
//   /usr/bin/time -v ./build/bench/random_overhead 10000            # no journal
//   /usr/bin/time -v ./build/bench/random_overhead 10000 run.jsonl  # with the journal on
#include <hpo/hpo.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <string>

int main(int argc, char** argv) {
  const std::size_t evaluations = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const std::string journal = argc > 2 ? argv[2] : "";
  if (!journal.empty()) std::filesystem::remove(journal);

  hpo::SearchSpace space;
  space.add_real("x1", -5.0, 10.0).add_real("x2", 0.0, 15.0);
  auto branin = [](const hpo::Config& c) {
    const double x1 = c.get<double>("x1"), x2 = c.get<double>("x2"), pi = std::numbers::pi;
    return std::pow(x2 - 5.1 / (4 * pi * pi) * x1 * x1 + 5 / pi * x1 - 6, 2) + 10 * (1 - 1 / (8 * pi)) * std::cos(x1) +
           10;
  };
  const auto start = std::chrono::steady_clock::now();
  const auto study = hpo::optimize(space, branin, hpo::RandomSearch({.seed = 1}),
                                   {.max_evaluations = evaluations, .journal = journal, .progress = false});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu evaluations%s: %.3f s in optimize(), %.2f us per trial, best %.6f\n", study.trials().size(),
              journal.empty() ? "" : " with journal", seconds,
              1e6 * seconds / static_cast<double>(study.trials().size()), study.best().value);
}
