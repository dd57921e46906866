// Runs hpo's optimizers on the shifted benchmark instances and writes one CSV row per evaluation:
//   peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s
// Usage: run_hpo [--peers hpo-bo,hpo-bo-average,hpo-bo-centre,hpo-bo-exact,hpo-random,hpo-sobol] [--functions branin,...]
//                [--seeds 0-19] [--budget 100] [--placement shifted|uniform|corner] [--noise 0]
//                [--out results.csv]
// --placement moves each instance's box instead of shifting it by the rule of functions.hpp
// (placement.hpp; the dlib peer takes the same option).
// --noise L > 0 adds L * noise_scale(f) * noise_normal(seed, k) to the k-th value the optimizer sees
// (functions.hpp); best_so_far is then the noiseless value of the incumbent, the trial with the
// best observed value so far (what a user would take), so it can rise; summarize.py --incumbent.
#include <hpo/hpo.hpp>

#include "command_line.hpp"
#include "evaluation_csv.hpp"
#include "functions.hpp"
#include "placement.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using hpo::bench::parse_ints;
using hpo::bench::split;

// One entry per peer: runs the optimizer on (space, objective) with the budget and seed.
using Runner = std::function<hpo::Study(const hpo::SearchSpace&, const std::function<double(const hpo::Config&)>&,
                                        std::size_t, std::uint64_t, const hpo::RunOptions&)>;

std::map<std::string, Runner> runners() {
  std::map<std::string, Runner> all;
  all["hpo-random"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::RandomSearch({.seed = seed}), options);
  };
  all["hpo-sobol"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::RandomSearch({.seed = seed, .sampler = hpo::Sampler::Sobol}), options);
  };
  all["hpo-bo"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed}), options);
  };
  // The GP's prior mean at the values' average instead of the worst value
  // (BayesianOptions::prior_mean), the reference for what the default costs or gains.
  all["hpo-bo-average"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed, .prior_mean = hpo::PriorMean::Average}),
                         options);
  };
  // The exact GP on every observation at every n (BayesianOptions::max_model_points = 0), the
  // reference for what the default subset past 500 observations costs in regret.
  all["hpo-bo-exact"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed, .max_model_points = 0}), options);
  };
  // The centre of the space as the first trial (BayesianOptions::centre_first), measured against
  // the default on every placement.
  all["hpo-bo-centre"] = [](const auto& space, const auto& f, std::size_t, std::uint64_t seed, const auto& options) {
    return hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed, .centre_first = true}), options);
  };
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args{
      {"--peers", "hpo-random"}, {"--functions", ""},           {"--seeds", "0-19"},
      {"--budget", "100"},       {"--placement", "shifted"}, {"--noise", "0"},
      {"--out", ""}};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!args.contains(argv[i])) {
      std::cerr << "unknown option " << argv[i] << "\n";
      return 2;
    }
    args[argv[i]] = argv[i + 1];
  }
  const auto all_runners = runners();
  std::vector<const hpo::bench::TestFunction*> functions;
  if (args["--functions"].empty()) {
    for (const auto& f : hpo::bench::registry()) functions.push_back(&f);
  } else {
    for (const auto& name : split(args["--functions"])) {
      const auto* f = hpo::bench::find_function(name);
      if (!f) {
        std::cerr << "unknown function " << name << "\n";
        return 2;
      }
      functions.push_back(f);
    }
  }
  const std::size_t budget = std::stoul(args["--budget"]);
  const std::string placement = args["--placement"];
  if (!hpo::bench::is_placement(placement)) {
    std::cerr << "unknown placement " << placement << " (shifted, uniform or corner)\n";
    return 2;
  }
  const double noise = std::stod(args["--noise"]);
  if (!(noise >= 0.0)) {
    std::cerr << "--noise must be at least 0\n";
    return 2;
  }
  hpo::bench::EvaluationCsv csv(args["--out"]);

  for (const auto& peer : split(args["--peers"])) {
    const auto runner = all_runners.find(peer);
    if (runner == all_runners.end()) {
      std::cerr << "unknown peer " << peer << "\n";
      return 2;
    }
    for (const auto* function : functions) {
      const double noise_sd = noise > 0.0 ? noise * hpo::bench::noise_scale(*function) : 0.0;
      for (int seed : parse_ints(args["--seeds"])) {
        const auto bounds = hpo::bench::instance_bounds(*function, seed, placement);
        hpo::SearchSpace space;
        for (std::size_t j = 0; j < bounds.size(); ++j)
          space.add_real("x" + std::to_string(j), bounds[j].lo, bounds[j].hi);
        std::vector<double> true_values;  // f at the k-th evaluation, without the noise
        auto objective = [&](const hpo::Config& c) {
          std::vector<double> x(bounds.size());
          for (std::size_t j = 0; j < x.size(); ++j) x[j] = c.get<double>("x" + std::to_string(j));
          true_values.push_back((*function)(x));
          if (noise_sd == 0.0) return true_values.back();
          return true_values.back() + noise_sd * hpo::bench::noise_normal(seed, true_values.size());
        };
        const auto start = std::chrono::steady_clock::now();
        double best = std::numeric_limits<double>::infinity();
        double best_observed = std::numeric_limits<double>::infinity();
        std::size_t index = 0;
        hpo::RunOptions options{.max_evaluations = budget, .progress = false};
        options.callbacks.emplace_back([&](const hpo::Study&, const hpo::Trial& trial) {
          const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const double true_value = true_values[index];
          if (trial.completed() && trial.value < best_observed) {
            best_observed = trial.value;
            best = true_value;
          }
          csv.row(peer, function->name, function->dim, seed, ++index, trial.value, best, elapsed);
        });
        runner->second(space, objective, budget, static_cast<std::uint64_t>(seed), options);
        csv.flush();
        std::cerr << peer << ' ' << function->name << " seed " << seed << ": best " << best << " (regret "
                  << best - function->optimum << ")\n";
      }
    }
  }
}
