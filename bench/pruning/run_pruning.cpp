// The pruning benchmark's runner (bench/pruning/README.md).
//
//   run_pruning hpo --objective synthetic|adversarial|mlp --method M --seed S --budget EPOCHS [--data DIR]
//       One search; prints one JSON line: {"objective","method","seed","trace":[[epochs, best], ...]}
//       with, after each finished trial, the epochs spent so far and the best final (epoch-100)
//       validation value of a completed trial (null before the first). Methods:
//         bo                      Bayesian optimization, no pruning, 100 full evaluations
//         bo_median, bo_asha, bo_hyperband, random_asha
//                                 the optimizer with the pruner, until EPOCHS epochs are spent
//         bo_asha_excluded, bo_hyperband_excluded
//                                 as bo_asha / bo_hyperband with pruned trials out of BO's model
//   run_pruning correlation --objective synthetic|adversarial|mlp [--samples N] [--seed S]
//       How far early epochs predict the last: N random configurations (default 200) trained 100
//       epochs; prints the Spearman rank correlation of the values at epochs 1, 3, 9, 27 and 81
//       with the values at epoch 100.
//   run_pruning evaluate [--data DIR]
//       A line server for Optuna (bench/pruning/optuna_pruning.py), so that it trains the very same
//       curves: {"op":"start","id":N,"objective":"mlp","seed":S,"config":{...}} -> {"ok":true};
//       {"op":"step","id":N} -> {"value":v} (one more epoch); {"op":"end","id":N} -> {"ok":true}.

#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/pruning.hpp>
#include <hpo/study/journal.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "objectives.hpp"

namespace {

struct Objective {
  std::string name;
  std::optional<bench::DigitsTask> digits;

  hpo::SearchSpace space() const { return name == "mlp" ? bench::mlp_space() : bench::synthetic_space(); }
  std::unique_ptr<bench::Curve> curve(const hpo::Config& c, std::uint64_t seed) const {
    if (name == "mlp") return std::make_unique<bench::MlpCurve>(c, seed, *digits);
    return std::make_unique<bench::SyntheticCurve>(c, seed,
                                                   name == "adversarial" ? bench::kAdversarial : bench::kSynthetic);
  }
};

Objective make_objective(const std::string& name, const std::string& data) {
  if (name != "synthetic" && name != "adversarial" && name != "mlp")
    throw std::invalid_argument("--objective must be synthetic, adversarial or mlp, got \"" + name + "\"");
  Objective objective{name, std::nullopt};
  if (name == "mlp") objective.digits = bench::DigitsTask::load(data);
  return objective;
}

hpo::AnyPruner pruner_of(const std::string& method, std::uint64_t seed) {
  if (method == "bo") return {};
  if (method == "bo_median") return hpo::MedianPruner{.warmup_steps = 0, .min_trials = 5};
  if (method.find("hyperband") != std::string::npos)
    return hpo::HyperbandPruner{
        .min_resource = 1, .max_resource = bench::kMaxEpochs, .reduction_factor = 3, .seed = seed};
  if (method.find("asha") != std::string::npos)
    return hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3};
  throw std::invalid_argument("unknown --method \"" + method + "\"");
}

int run_hpo(const std::map<std::string, std::string>& args) {
  const Objective objective = make_objective(args.at("objective"), args.at("data"));
  const std::string method = args.at("method");
  const std::uint64_t seed = std::stoull(args.at("seed"));
  const long budget = std::stol(args.at("budget"));
  long epochs = 0;
  nlohmann::json trace = nlohmann::json::array();
  auto train = [&](const hpo::Config& c, hpo::Reporter& reporter) {
    auto curve = objective.curve(c, seed);
    double value = 0.0;
    for (int epoch = 1; epoch <= bench::kMaxEpochs; ++epoch) {
      value = curve->next();
      ++epochs;
      reporter.report(epoch, value);
      if (reporter.should_prune()) throw hpo::TrialPruned();
    }
    return value;
  };
  const bool full = method == "bo";
  hpo::RunOptions options{.max_evaluations = full ? 100u : 0u, .progress = false, .pruner = pruner_of(method, seed)};
  options.callbacks.push_back([&](const hpo::Study& study, const hpo::Trial&) {
    trace.push_back({epochs, study.completed_count() ? nlohmann::json(study.best().value) : nlohmann::json()});
    return !full && epochs >= budget ? hpo::Action::Stop : hpo::Action::Continue;
  });
  const auto excluded = method.ends_with("_excluded") ? hpo::PrunedTrials::Excluded : hpo::PrunedTrials::LastValue;
  if (method.starts_with("random")) {
    hpo::RandomSearch random({.seed = seed});
    hpo::optimize(objective.space(), train, random, options);
  } else {
    hpo::BayesianOptimization bo({.seed = seed, .pruned_trials = excluded});
    hpo::optimize(objective.space(), train, bo, options);
  }
  const nlohmann::json line{
      {"objective", objective.name}, {"method", method}, {"seed", seed}, {"trace", std::move(trace)}};
  std::printf("%s\n", line.dump().c_str());
  return 0;
}

// Ranks (0 .. n-1, ties by order) of `values`.
std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> r(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
  return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size()), mean = (n - 1.0) / 2.0;
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return sab / std::sqrt(saa * sbb);
}

int run_correlation(const std::map<std::string, std::string>& args) {
  const Objective objective = make_objective(args.at("objective"), args.at("data"));
  const std::size_t samples = args.contains("samples") ? std::stoul(args.at("samples")) : 200;
  const std::uint64_t seed = args.contains("seed") ? std::stoull(args.at("seed")) : 1;
  const std::vector<int> epochs{1, 3, 9, 27, 81};
  std::vector<std::vector<double>> at(epochs.size());
  std::vector<double> last;
  hpo::RandomSearch random({.seed = seed});
  hpo::Study study(objective.space());
  for (std::size_t k = 0; k < samples; ++k) {
    const auto trial = study.ask(random);
    auto curve = objective.curve(trial->config, seed);
    for (int epoch = 1; epoch <= bench::kMaxEpochs; ++epoch) {
      const double value = curve->next();
      for (std::size_t e = 0; e < epochs.size(); ++e)
        if (epochs[e] == epoch) at[e].push_back(value);
      if (epoch == bench::kMaxEpochs) last.push_back(value);
    }
    study.tell(trial->number, last.back());
  }
  nlohmann::ordered_json line{{"objective", objective.name}, {"samples", samples}};
  for (std::size_t e = 0; e < epochs.size(); ++e) line["spearman"][std::to_string(epochs[e])] = spearman(at[e], last);
  std::printf("%s\n", line.dump().c_str());
  return 0;
}

int run_evaluate(const std::map<std::string, std::string>& args) {
  std::map<std::string, Objective> objectives;
  std::map<long, std::unique_ptr<bench::Curve>> curves;
  for (std::string text; std::getline(std::cin, text);) {
    nlohmann::json reply;
    try {
      const auto request = nlohmann::json::parse(text);
      const std::string op = request.at("op");
      const long id = request.at("id");
      if (op == "start") {
        const std::string name = request.at("objective");
        if (!objectives.contains(name)) objectives.emplace(name, make_objective(name, args.at("data")));
        const Objective& objective = objectives.at(name);
        const hpo::Config config = hpo::detail::config_from_json(request.at("config"), objective.space());
        curves[id] = objective.curve(config, request.at("seed").get<std::uint64_t>());
        reply["ok"] = true;
      } else if (op == "step") {
        reply["value"] = curves.at(id)->next();
      } else if (op == "end") {
        curves.erase(id);
        reply["ok"] = true;
      } else {
        throw std::invalid_argument("unknown op \"" + op + "\"");
      }
    } catch (const std::exception& e) {
      reply["error"] = e.what();
    }
    std::cout << reply.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw std::invalid_argument("usage: run_pruning hpo|evaluate [--option value ...]");
    const std::string mode = argv[1];
    std::map<std::string, std::string> args{{"data", HPO_EXAMPLES_DIR "/data"}, {"budget", "4000"}};
    for (int i = 2; i + 1 < argc; i += 2) {
      const std::string key = argv[i];
      if (!key.starts_with("--")) throw std::invalid_argument("expected --option, got " + key);
      args[key.substr(2)] = argv[i + 1];
    }
    if (mode == "hpo") return run_hpo(args);
    if (mode == "evaluate") return run_evaluate(args);
    if (mode == "correlation") return run_correlation(args);
    throw std::invalid_argument("unknown mode \"" + mode + "\" (hpo, correlation or evaluate)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run_pruning: %s\n", e.what());
    return 1;
  }
}
