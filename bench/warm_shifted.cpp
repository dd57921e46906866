// Warm-started Bayesian optimization on the shifted benchmark instances, long enough to pass the
// refit schedule's watched start (64 observations), beside cold BO on the same instances.
// The sources of instance `seed` are three studies of 100 random trials of the same function on
// the same box, moved by 3%, 6% and 9% of the box's width (dimension j by that share times
// sin(2 + 5 seed + 3 j), clamped to the box): related tasks whose optima lie near, not at, the
// target's. One CSV row per evaluation, as run_hpo writes them (summarize.py reads both):
//   peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s
// with peer hpo-bo (cold) or hpo-bo-warm (the warm start's defaults; --warm-parts keeps only the
// named parts of the transfer and --initial-points sets how many points it hands over first, for
// ablations, as run_transfer's do).
// Usage: warm_shifted [--peers hpo-bo,hpo-bo-warm] [--functions branin,...] [--seeds 0-19]
//                     [--budget 150] [--warm-parts initial,region,surrogate,basis,prior] [--initial-points K]
//                     [--out results.csv]
#include <hpo/hpo.hpp>

#include "command_line.hpp"
#include "evaluation_csv.hpp"
#include "functions.hpp"
#include "warm_parts.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

using hpo::bench::parse_ints;
using hpo::bench::split;

// f on the box moved by `share` of its width (see the top of this file), at config c.
double moved_value(const hpo::bench::TestFunction& f, const std::vector<hpo::bench::Interval>& box, int seed,
                   double share, const hpo::Config& c) {
  std::vector<double> x(box.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double width = box[j].hi - box[j].lo;
    const double moved = c.get<double>("x" + std::to_string(j)) +
                         share * width * std::sin(2.0 + 5.0 * seed + 3.0 * static_cast<double>(j));
    x[j] = std::clamp(moved, box[j].lo, box[j].hi);
  }
  return f(x);
}

hpo::WarmStart shifted_sources(const hpo::bench::TestFunction& f, const std::vector<hpo::bench::Interval>& box,
                               const hpo::SearchSpace& space, int seed, const hpo::WarmStartOptions& options) {
  std::vector<hpo::Study> sources;
  for (int k = 0; k < 3; ++k) {
    hpo::Study source(space);
    hpo::RandomSearch random({.seed = 1000u + 10u * static_cast<std::uint64_t>(seed) + static_cast<std::uint64_t>(k)});
    for (int i = 0; i < 100; ++i) {
      const auto trial = source.ask(random);
      source.tell(trial->number, moved_value(f, box, seed, 0.03 * (k + 1), trial->config));
    }
    sources.push_back(std::move(source));
  }
  return hpo::WarmStart::from(sources, space, options);
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args{{"--peers", "hpo-bo,hpo-bo-warm"},
                                          {"--functions", ""},
                                          {"--seeds", "0-19"},
                                          {"--budget", "150"},
                                          {"--warm-parts", ""},
                                          {"--initial-points", ""},
                                          {"--out", ""}};
  for (int i = 1; i < argc; i += 2) {
    if (!args.contains(argv[i]) || i + 1 >= argc) {
      std::cerr << "usage: warm_shifted [--peers hpo-bo,hpo-bo-warm] [--functions branin,...] [--seeds 0-19] "
                   "[--budget 150] [--warm-parts initial,region,surrogate,basis,prior] [--initial-points K] "
                   "[--out results.csv]\n";
      return 2;
    }
    args[argv[i]] = argv[i + 1];
  }
  std::vector<const hpo::bench::TestFunction*> functions;
  for (const auto& f : hpo::bench::registry())
    if (args["--functions"].empty() || std::ranges::count(split(args["--functions"]), std::string(f.name)) > 0)
      functions.push_back(&f);
  const std::size_t budget = std::stoul(args["--budget"]);
  const hpo::WarmStartOptions warm_options =
      hpo::bench::ablation_options(args["--warm-parts"], args["--initial-points"]);
  hpo::bench::EvaluationCsv csv(args["--out"]);
  for (const auto& peer : split(args["--peers"])) {
    if (peer != "hpo-bo" && peer != "hpo-bo-warm") {
      std::cerr << "unknown peer " << peer << " (hpo-bo or hpo-bo-warm)\n";
      return 2;
    }
    for (const auto* function : functions) {
      for (const int seed : parse_ints(args["--seeds"])) {
        const auto box = function->shifted_bounds(seed);
        hpo::SearchSpace space;
        for (std::size_t j = 0; j < box.size(); ++j) space.add_real("x" + std::to_string(j), box[j].lo, box[j].hi);
        const hpo::WarmStart warm =
            peer == "hpo-bo-warm" ? shifted_sources(*function, box, space, seed, warm_options) : hpo::WarmStart{};
        hpo::BayesianOptimization bo({.seed = static_cast<std::uint64_t>(seed), .warm_start = warm});
        hpo::Study study(space);
        const auto start = std::chrono::steady_clock::now();
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t index = 1; index <= budget; ++index) {
          const auto trial = study.ask(bo);
          const double value = moved_value(*function, box, seed, 0.0, trial->config);
          study.tell(trial->number, value);
          best = std::min(best, value);
          csv.row(peer, function->name, function->dim, seed, index, value, best,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        csv.flush();
        std::cerr << peer << ' ' << function->name << " seed " << seed << ": regret " << best - function->optimum
                  << '\n';
      }
    }
  }
}
