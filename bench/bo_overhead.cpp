// Per-ask cost of hpo::BayesianOptimization in 6-D (Hartmann-6 on [0,1]^6), averaged over the
// default refit schedule: for each n, a fresh optimizer joins a study of n random completed
// trials and then runs max(10, n/4) ask/tell rounds; the first ask pays a full fit, later ones
// the warm refits and O(n^2) updates the schedule does, so the mean is the amortized cost.
// With --warm, the optimizer is warm-started from three source studies (--sources K: K of them,
// source k shifted by 0.03 (k + 1)) of 200 random trials of shifted Hartmann-6 (every part of the
// transfer on: RGPE ensemble, source basis, region prior), so the two runs side by side give what
// the transfer adds to an ask; its transferred initial points are evaluated untimed first (they
// cost no model), so that both runs time model-based asks only.
// --source-models DIR sets WarmStartOptions::source_model_directory (a second run with the same
// folder rebuilds the source models from their stored hyperparameters instead of fitting them).
// --model-points M sets BayesianOptions::max_model_points (0: the exact GP on every observation at
// every n; default: the option's default); --rounds R caps the timed rounds per n (the exact GP at
// n = 5,000 and more takes seconds to minutes per refit).
// Usage: bo_overhead [n1,n2,...] [--warm] [--sources K] [--source-models DIR] [--model-points M] [--rounds R]
// The source GPs are fitted once, before the first n, and that one-time cost is printed on its
// own (source_fit_ms: a first model-based ask that fits them; 0 cold).
// Prints CSV: n,rounds,mean_ms_per_ask,first_ask_ms,median_ms_per_ask,source_fit_ms
#include <hpo/hpo.hpp>

#include "functions.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{50, 100, 200, 400, 800};
  bool warm = false;
  std::optional<std::size_t> model_points;
  std::size_t max_rounds = 0;
  int source_count = 3;
  std::string source_models;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--warm") {
      warm = true;
      continue;
    }
    if (arg == "--model-points" && a + 1 < argc) {
      model_points = std::stoul(argv[++a]);
      continue;
    }
    if (arg == "--sources" && a + 1 < argc) {
      source_count = std::stoi(argv[++a]);
      continue;
    }
    if (arg == "--source-models" && a + 1 < argc) {
      source_models = argv[++a];
      continue;
    }
    if (arg == "--rounds" && a + 1 < argc) {
      max_rounds = std::stoul(argv[++a]);
      continue;
    }
    if (arg.empty() || arg.find_first_not_of("0123456789,") != std::string::npos) {
      std::fprintf(stderr,
                   "usage: bo_overhead [n1,n2,...] [--warm] [--sources K] [--source-models DIR] [--model-points M] "
                   "[--rounds R]\n(got \"%s\")\n",
                   arg.c_str());
      return 2;
    }
    sizes.clear();
    std::stringstream list(arg);
    for (std::string item; std::getline(list, item, ',');)
      if (!item.empty()) sizes.push_back(std::stoul(item));
  }
  hpo::SearchSpace space;
  for (int j = 0; j < 6; ++j) space.add_real("x" + std::to_string(j), 0.0, 1.0);
  auto hartmann6 = [](const hpo::Config& c) {
    std::vector<double> x(6);
    for (std::size_t j = 0; j < 6; ++j) x[j] = c.get<double>("x" + std::to_string(j));
    return hpo::bench::hartmann6(x);
  };
  hpo::WarmStart warm_start;
  if (warm) {
    std::vector<hpo::Study> sources;
    for (int k = 0; k < source_count; ++k) {
      hpo::Study source(space);
      hpo::RandomSearch random({.seed = 77u + static_cast<std::uint64_t>(k)});
      const double shift = 0.03 * (k + 1);
      for (int i = 0; i < 200; ++i) {
        auto trial = source.ask(random);
        std::vector<double> x(6);
        for (std::size_t j = 0; j < 6; ++j)
          x[j] = std::clamp(trial->config.get<double>("x" + std::to_string(j)) - shift, 0.0, 1.0);
        source.tell(trial->number, hpo::bench::hartmann6(x));
      }
      sources.push_back(std::move(source));
    }
    warm_start = hpo::WarmStart::from(sources, space, {.source_model_directory = source_models});
  }
  // The source models are fitted once per library and process (hpo::transfer::SourceModelCache),
  // not once per optimizer: fit them here, timed on their own, so that every n below is timed
  // the same way, past that one-time cost (else the first n in the list alone would pay it).
  // Untimed: n random completed trials, then the warm start's transferred points (which cost no
  // model), so that the next ask of `bo` is a model-based one.
  const auto untimed_start = [&](hpo::Study& study, std::size_t n, std::uint64_t seed, hpo::BayesianOptimization& bo) {
    hpo::RandomSearch random({.seed = seed});
    for (std::size_t i = 0; i < n; ++i) {
      auto trial = study.ask(random);
      study.tell(trial->number, hartmann6(trial->config));
    }
    while (warm_start.next_initial_point(study)) {
      auto trial = study.ask(bo);
      study.tell(trial->number, hartmann6(trial->config));
    }
  };
  double source_fit_ms = 0.0;
  if (warm) {
    hpo::Study setup(space);
    hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm_start});
    untimed_start(setup, 10, 999, bo);  // 10: past the initial design
    const auto start = std::chrono::steady_clock::now();
    setup.ask(bo);
    source_fit_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("n,rounds,mean_ms_per_ask,first_ask_ms,median_ms_per_ask,source_fit_ms\n");
  for (std::size_t n : sizes) {
    hpo::BayesianOptions options{.seed = 1, .warm_start = warm_start};
    if (model_points) options.max_model_points = *model_points;
    hpo::BayesianOptimization bo(options);
    // The transferred points untimed too: the first timed ask is the first model-based one, and
    // the median is over model-based asks only, as in a cold run.
    hpo::Study study(space);
    untimed_start(study, n, 1000 + n, bo);
    std::size_t rounds = std::max<std::size_t>(10, n / 4);
    if (max_rounds > 0) rounds = std::min(rounds, max_rounds);
    std::vector<double> times;
    for (std::size_t r = 0; r < rounds; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto trial = study.ask(bo);
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      study.tell(trial->number, hartmann6(trial->config));
    }
    double total = 0;
    for (double t : times) total += t;
    const double first = times.front();
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
    std::printf("%zu,%zu,%.2f,%.2f,%.2f,%.2f\n", n, rounds, total / static_cast<double>(rounds), first,
                times[times.size() / 2], source_fit_ms);
    std::fflush(stdout);
  }
}
