// Wall time of the paths issue #15 found slow under AddressSanitizer: Bayesian optimization over a
// categorical parameter of 3,000 categories, warm-started from 50 source studies, and warm-started
// from one source of 5,000 trials. Each phase is timed on its own: building the sources (ask/tell
// into hpo::Study), hpo::WarmStart::from, and the run (hpo::optimize), with the run's asks split
// into the model-free ones (transferred points, initial design) and the model-based ones.
// Usage: slow_paths [categories|sources|large_source|all] [repetitions]
// Prints CSV: scenario,phase,seconds (the median over the repetitions)
#include <hpo/hpo.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A smooth 2-D bowl, its minimum shifted by `shift`, plus a category's offset when there is one.
double bowl(const hpo::Config& c, double shift) {
  const double x = c.get<double>("x"), y = c.get<double>("y");
  double value = (x - 0.3 - shift) * (x - 0.3 - shift) + 2 * (y - 0.6 + shift) * (y - 0.6 + shift);
  if (c.contains("c")) value += 1e-4 * static_cast<double>(std::stoi(c.get<std::string>("c").substr(1)) % 97);
  return value;
}

hpo::SearchSpace plane(std::size_t categories) {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_real("y", 0.0, 1.0);
  if (categories > 0) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < categories; ++k) names.push_back("c" + std::to_string(k));
    space.add_categorical("c", names);
  }
  return space;
}

hpo::Study random_study(const hpo::SearchSpace& space, std::size_t trials, std::uint64_t seed, double shift) {
  hpo::Study study(space);
  hpo::RandomSearch random({.seed = seed});
  for (std::size_t i = 0; i < trials; ++i) {
    const auto trial = study.ask(random);
    study.tell(trial->number, bowl(trial->config, shift));
  }
  return study;
}

using Phases = std::map<std::string, double>;

// Runs `evaluations` of warm (or cold) Bayesian optimization on `space`, timing each ask.
void time_run(const hpo::SearchSpace& space, const hpo::WarmStart& warm, std::size_t evaluations, Phases& phases) {
  hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm});
  hpo::Study study(space);
  double model_free = 0.0, model_based = 0.0;
  std::size_t model_asks = 0;
  const std::size_t design = std::max<std::size_t>(5, std::min<std::size_t>(space.size() + 1, 12));
  for (std::size_t i = 0; i < evaluations; ++i) {
    const bool free = study.trials().size() < design || (!warm.empty() && warm.next_initial_point(study));
    const auto start = Clock::now();
    const auto trial = study.ask(bo);
    const double took = seconds_since(start);
    (free ? model_free : model_based) += took;
    model_asks += free ? 0 : 1;
    study.tell(trial->number, bowl(trial->config, 0.0));
  }
  phases["asks without a model"] = model_free;
  phases["asks with a model"] = model_based;
  phases["model-based asks"] = static_cast<double>(model_asks);
}

Phases categories() {
  Phases phases;
  time_run(plane(3000), hpo::WarmStart{}, 12, phases);
  return phases;
}

Phases sources() {
  Phases phases;
  const auto space = plane(0);
  auto start = Clock::now();
  std::vector<hpo::Study> studies;
  for (std::uint64_t k = 0; k < 50; ++k) studies.push_back(random_study(space, 30, 100 + k, 0.002 * k));
  phases["build sources"] = seconds_since(start);
  start = Clock::now();
  const auto warm = hpo::WarmStart::from(studies, space);
  phases["WarmStart::from"] = seconds_since(start);
  time_run(space, warm, 12, phases);
  return phases;
}

Phases large_source() {
  Phases phases;
  const auto space = plane(0);
  auto start = Clock::now();
  const std::vector<hpo::Study> studies{random_study(space, 5000, 7, 0.05)};
  phases["build sources"] = seconds_since(start);
  start = Clock::now();
  const auto warm = hpo::WarmStart::from(studies, space);
  phases["WarmStart::from"] = seconds_since(start);
  time_run(space, warm, 14, phases);
  return phases;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "all";
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::vector<std::pair<std::string, std::function<Phases()>>> scenarios{
      {"categories", categories}, {"sources", sources}, {"large_source", large_source}};
  std::printf("scenario,phase,seconds\n");
  for (const auto& [name, run] : scenarios) {
    if (which != "all" && which != name) continue;
    std::map<std::string, std::vector<double>> samples;
    for (int r = 0; r < repetitions; ++r)
      for (const auto& [phase, value] : run()) samples[phase].push_back(value);
    for (auto& [phase, values] : samples) {
      std::sort(values.begin(), values.end());
      std::printf("%s,%s,%.4g\n", name.c_str(), phase.c_str(), values[values.size() / 2]);
    }
    std::fflush(stdout);
  }
}
