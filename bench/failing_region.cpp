// Failing regions: Bayesian optimization on the shifted benchmark functions when the objective
// fails (throws) wherever the first coordinate lies in the upper 45% of its range, as training
// diverges past some learning rate. Prints, per function and variant, the mean number of failed
// trials and the median log10 gap between the best completed value and the best feasible value of
// a 200,000-point uniform sample of the feasible box (floored at 1e-6; negative gaps, where the
// search beat the sample, count as the floor).
// --flaky P instead fails each evaluation with probability P whatever its point (a flaky node;
// the k-th evaluation of seed s fails when splitmix_uniform(s, k) < P), and the gap is to f*.
// Usage: failing_region [--seeds 0-9] [--budget 50] [--functions branin,...] [--flaky 0]
#include <hpo/hpo.hpp>

#include "command_line.hpp"
#include "functions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr double kFeasibleShare = 0.55;  // of the first coordinate's range

double sampled_feasible_best(const hpo::bench::TestFunction& f, const std::vector<hpo::bench::Interval>& box, int seed) {
  hpo::Rng rng(12345, static_cast<std::uint64_t>(seed));
  std::vector<double> x(box.size());
  double best = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 200000; ++k) {
    for (std::size_t j = 0; j < x.size(); ++j) {
      const double hi = j == 0 ? box[0].lo + kFeasibleShare * (box[0].hi - box[0].lo) : box[j].hi;
      x[j] = rng.uniform(box[j].lo, hi);
    }
    best = std::min(best, f(x));
  }
  return best;
}

struct Outcome {
  std::size_t failed;
  double best;
};

Outcome run(const hpo::bench::TestFunction& f, const std::vector<hpo::bench::Interval>& box, int seed,
            std::size_t budget, const std::string& variant, double flaky) {
  std::uint64_t evaluations = 0;
  hpo::SearchSpace space;
  for (std::size_t j = 0; j < box.size(); ++j) space.add_real("x" + std::to_string(j), box[j].lo, box[j].hi);
  auto objective = [&](const hpo::Config& c) {
    std::vector<double> x(box.size());
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = c.get<double>("x" + std::to_string(j));
    if (flaky > 0.0) {
      const auto key = (static_cast<std::uint64_t>(seed) << 32) + ++evaluations;
      if (hpo::bench::splitmix_uniform(key ^ 0xf1a6ULL) < flaky) throw std::runtime_error("node lost");
    } else if (x[0] > box[0].lo + kFeasibleShare * (box[0].hi - box[0].lo)) {
      throw std::runtime_error("diverged");
    }
    return f(x);
  };
  const hpo::RunOptions options{.max_evaluations = budget, .progress = false};
  const auto s = static_cast<std::uint64_t>(seed);
  const hpo::Study study =
      variant == "random" ? hpo::optimize(space, objective, hpo::RandomSearch({.seed = s}), options)
      : variant == "worst-value"
          ? hpo::optimize(space, objective,
                          hpo::BayesianOptimization({.seed = s, .failed_trials = hpo::FailedTrials::WorstValue}), options)
          : hpo::optimize(space, objective, hpo::BayesianOptimization({.seed = s}), options);
  return {study.failed_count(), study.completed_count() > 0 ? study.best().value : std::nan("")};
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args{
      {"--seeds", "0-9"}, {"--budget", "50"}, {"--functions", ""}, {"--flaky", "0"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!args.contains(argv[i])) {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
    args[argv[i]] = argv[i + 1];
  }
  const std::size_t budget = std::stoul(args["--budget"]);
  const auto seeds = hpo::bench::parse_ints(args["--seeds"]);
  const double flaky = std::stod(args["--flaky"]);
  std::printf("| function | variant | failed trials (mean of %zu) | median log10 gap to the feasible sample's best |\n",
              budget);
  std::printf("|---|---|--:|--:|\n");
  const auto chosen = hpo::bench::split(args["--functions"]);
  for (const auto& f : hpo::bench::registry()) {
    if (!chosen.empty() && std::find(chosen.begin(), chosen.end(), f.name) == chosen.end()) continue;
    std::vector<double> reference;
    for (int seed : seeds)
      reference.push_back(flaky > 0.0 ? f.optimum : sampled_feasible_best(f, f.shifted_bounds(seed), seed));
    for (const std::string variant : {"worst-value", "excluded", "random"}) {
      double failed = 0.0;
      std::vector<double> gaps;
      for (std::size_t i = 0; i < seeds.size(); ++i) {
        const Outcome o = run(f, f.shifted_bounds(seeds[i]), seeds[i], budget, variant, flaky);
        failed += static_cast<double>(o.failed);
        gaps.push_back(std::isnan(o.best) ? 300.0 : std::log10(std::max(o.best - reference[i], 1e-6)));
      }
      std::sort(gaps.begin(), gaps.end());
      const double median = gaps.size() % 2 ? gaps[gaps.size() / 2]
                                            : 0.5 * (gaps[gaps.size() / 2 - 1] + gaps[gaps.size() / 2]);
      std::printf("| %s | %s | %.1f | %.2f |\n", std::string(f.name).c_str(), variant.c_str(),
                  failed / static_cast<double>(seeds.size()), median);
      std::fflush(stdout);
    }
  }
}
