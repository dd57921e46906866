// The flagship example: transfer learning for a small neural network on real handwritten digits.
//
// A multilayer perceptron (examples/common/mlp.hpp) is tuned on a data-rich source task, digits
// 0-4, and then on an expensive, data-poor target task, digits 5-9 with a few hundred training
// images. The target is tuned four ways, with the same budget and seed:
//
//   search  cold: Bayesian optimization from scratch
//           warm: Bayesian optimization warm-started from the source study's journal
//                 (hpo::WarmStart: the source's best configurations first, its region and model)
//   training scratch:   each trial trains a freshly initialized network
//            fine-tune: each trial starts from a network trained on digits 0-4 (same hidden units
//                       and activation, the source study's best learning rate, weight decay, batch
//                       size and epochs), keeps its hidden layer, re-initializes the output layer,
//                       and trains the whole network on the target
//
// The first is hyperparameter transfer, the second weight transfer (as in "transfer learning for
// the expensive domain": reuse what the cheap domain taught, both about settings and about
// features). The table shows the best validation accuracy after 5, 10 and 20 evaluations and the
// test accuracy of the configuration each search chose, averaged over 10 seeds (single seeds differ
// by a few images out of 300, less than the effects measured), and for each seed how many
// evaluations one search needed to reach another's final best. Everything is deterministic for a
// given --seed; the default run takes under a minute on two cores.
//
// Data: examples/data/digits.csv (UCI optical digits, see examples/data/README.md). Fixed splits,
// in file order: digits 0-4 (901 images) -> the first 600 train the source, the other 301 validate
// it; digits 5-9 (896 images) -> the first 300 train the target, the next 300 validate it, the last
// 296 test it (touched only to report the chosen configurations). Pixels are scaled to [0, 1].
//
// Usage: transfer_mlp [--quick] [--seed N] [--repeats R] [--verbose] [--out DIR] [--data DIR]
//   --quick      a few seconds (budgets 8 and 8, at most 15 epochs, one seed), for CI
//   --seed N     first seed of the target searches and training runs (default 1); the source
//                search uses seed N + 1000
//   --repeats R  run the four target searches for seeds N .. N+R-1 and average (default 10)
//   --verbose    one line per target trial
//   --out DIR    where the journals go (default transfer_mlp_out/); existing ones are replaced
//   --data DIR   the folder holding digits.csv (default: the examples' data folder)

#include <hpo/hpo.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/data.hpp"
#include "common/mlp.hpp"

namespace {

using examples::Labels;
using examples::Matrix;
using Clock = std::chrono::steady_clock;

struct Split {
  Matrix x;
  Labels y;
};

struct Task {
  Split train, valid, test;
};

struct Settings {
  bool quick = false;
  std::uint64_t seed = 1;
  std::string out = "transfer_mlp_out";
  std::string data = HPO_EXAMPLES_DIR "/data";
  std::size_t source_budget = 40;
  std::size_t target_budget = 20;
  int max_epochs = 100;
  int repeats = 10;
  bool verbose = false;
};

// A non-negative integer argument, or an error naming the option.
std::uint64_t parse_number(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  std::uint64_t number = 0;
  try {
    number = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text.front() == '-')
    throw std::invalid_argument(option + " takes a non-negative integer, got \"" + text + "\"");
  return number;
}

Settings parse(int argc, char** argv) {
  Settings s;
  int repeats = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--quick") {
      s.quick = true;
    } else if (arg == "--seed") {
      s.seed = parse_number(arg, value());
    } else if (arg == "--repeats") {
      repeats = static_cast<int>(std::min<std::uint64_t>(parse_number(arg, value()), 1000));
      if (repeats < 1) throw std::invalid_argument("--repeats takes a positive integer");
    } else if (arg == "--verbose") {
      s.verbose = true;
    } else if (arg == "--out") {
      s.out = value();
    } else if (arg == "--data") {
      s.data = value();
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: transfer_mlp [--quick] [--seed N] [--repeats R] [--verbose] [--out DIR] [--data DIR]\n");
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown argument " + arg + " (try --help)");
    }
  }
  if (s.quick) {
    s.source_budget = 8;
    s.target_budget = 8;
    s.max_epochs = 15;
    s.repeats = 1;
  }
  if (repeats > 0) s.repeats = repeats;
  return s;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Reads the digits and checks what the rest relies on, naming the file when it is wrong.
examples::Dataset load_checked_digits(const std::string& directory) {
  examples::Dataset data = examples::load_digits(directory);
  const std::string file = directory + "/digits.csv";
  if (data.features.cols() != 64)
    throw std::runtime_error(file + ": expected 64 pixel columns and a label, found " +
                             std::to_string(data.features.cols() + 1) + " columns");
  for (Eigen::Index r = 0; r < data.targets.size(); ++r) {
    const double label = data.targets[r];
    if (label != std::floor(label) || label < 0 || label > 9) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", label);
      throw std::runtime_error(file + ":" + std::to_string(r + 1) + ": the label " + text + " is not a digit 0-9");
    }
    if (data.features.row(r).minCoeff() < 0 || data.features.row(r).maxCoeff() > 16)
      throw std::runtime_error(file + ":" + std::to_string(r + 1) + ": a pixel value is outside 0-16");
  }
  return data;
}

// Rows whose label is in [first, first + 5), in file order, labels shifted to 0-4, pixels to [0, 1].
Split select_digits(const examples::Dataset& data, int first) {
  std::vector<Eigen::Index> rows;
  for (Eigen::Index r = 0; r < data.targets.size(); ++r)
    if (data.targets[r] >= first && data.targets[r] < first + 5) rows.push_back(r);
  Split s{Matrix(static_cast<Eigen::Index>(rows.size()), 64), Labels(static_cast<Eigen::Index>(rows.size()))};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    s.x.row(k) = (data.features.row(rows[i]) / 16.0).cast<float>();
    s.y[k] = static_cast<int>(data.targets[rows[i]]) - first;
  }
  return s;
}

Split slice(const Split& s, Eigen::Index begin, Eigen::Index count) {
  return {s.x.middleRows(begin, count), s.y.segment(begin, count)};
}

// The six hyperparameters of the network and its training.
hpo::SearchSpace make_space(int max_epochs) {
  hpo::SearchSpace space;
  space.add_real("learning_rate", 1e-4, 0.3, hpo::Scale::Log)
      .add_real("weight_decay", 1e-5, 1.0, hpo::Scale::Log)
      .add_int("hidden_units", 8, 512, hpo::Scale::Log)
      .add_int("batch_size", 8, 256, hpo::Scale::Log)
      .add_categorical("activation", {"relu", "tanh", "elu", "sigmoid"})
      .add_int("epochs", 5, max_epochs);
  return space;
}

examples::TrainOptions train_options(const hpo::Config& c, std::uint64_t seed) {
  return {.learning_rate = c.get<double>("learning_rate"),
          .weight_decay = c.get<double>("weight_decay"),
          .batch_size = c.get<int>("batch_size"),
          .epochs = c.get<int>("epochs"),
          .seed = seed};
}

std::string describe(const hpo::Config& c) {
  char text[160];
  std::snprintf(text, sizeof text, "lr %.2e  wd %.1e  units %3d  batch %3d  %-7s  epochs %2d",
                c.get<double>("learning_rate"), c.get<double>("weight_decay"), c.get<int>("hidden_units"),
                c.get<int>("batch_size"), c.get<std::string>("activation").c_str(), c.get<int>("epochs"));
  return text;
}

// One line per finished trial.
hpo::Callback progress(const std::string& label, std::size_t budget) {
  return [label, budget](const hpo::Study& study, const hpo::Trial& trial) {
    if (trial.completed())
      std::printf("  [%s] %2zu/%zu  val %.4f  best %.4f  %s  (%.2f s)\n", label.c_str(), study.finished_count(), budget,
                  trial.value, study.best().value, describe(trial.config).c_str(), trial.duration);
    else
      std::printf("  [%s] %2zu/%zu  failed: %s\n", label.c_str(), study.finished_count(), budget, trial.error.c_str());
    std::fflush(stdout);
  };
}

// A fresh journal for each search: the table describes this run only.
std::string fresh_journal(const std::string& out, const std::string& name) {
  const std::string path = (std::filesystem::path(out) / (name + ".jsonl")).string();
  std::filesystem::remove(path);
  return path;
}

struct Outcome {
  std::string label;
  hpo::Study study{hpo::SearchSpace{}};
  std::map<std::string, double> test_accuracy;  // by configuration (config.to_string())
  double seconds = 0.0;
};

// Best value among the first k finished trials (NaN when none completed).
double best_after(const hpo::Study& study, std::size_t k) {
  double best = std::nan("");
  std::size_t seen = 0;
  for (const auto& trial : study.trials()) {
    if (trial.running()) continue;
    if (++seen > k) break;
    if (trial.completed() && !(trial.value <= best)) best = trial.value;
  }
  return best;
}

// The number of finished trials after which the study first reached `target`, 0 if never.
std::size_t evaluations_to_reach(const hpo::Study& study, double target) {
  std::size_t seen = 0;
  for (const auto& trial : study.trials()) {
    if (trial.running()) continue;
    ++seen;
    if (trial.completed() && trial.value >= target - 1e-12) return seen;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  const Settings settings = parse(argc, argv);
  const auto start = Clock::now();
  std::filesystem::create_directories(settings.out);

  const examples::Dataset digits = load_checked_digits(settings.data);
  const Split low = select_digits(digits, 0), high = select_digits(digits, 5);
  if (low.x.rows() < 700 || high.x.rows() < 700)
    throw std::runtime_error(settings.data + "/digits.csv: too few images of digits 0-4 or 5-9 for the fixed splits");
  const Task source{slice(low, 0, 600), slice(low, 600, low.x.rows() - 600), {}};
  const Task target{slice(high, 0, 300), slice(high, 300, 300), slice(high, 600, high.x.rows() - 600)};
  std::printf(
      "transfer_mlp: source task digits 0-4 (%d train / %d validation images), target task digits 5-9 "
      "(%d train / %d validation / %d test images)\n",
      static_cast<int>(source.train.x.rows()), static_cast<int>(source.valid.x.rows()),
      static_cast<int>(target.train.x.rows()), static_cast<int>(target.valid.x.rows()),
      static_cast<int>(target.test.x.rows()));
  std::printf("seed %llu, budgets: source %zu evaluations, each target search %zu%s; journals in %s/\n\n",
              static_cast<unsigned long long>(settings.seed), settings.source_budget, settings.target_budget,
              settings.quick ? " (--quick)" : "", settings.out.c_str());

  const hpo::SearchSpace space = make_space(settings.max_epochs);
  // Within one seed every trial starts from the same initial weights and batch order for a given
  // architecture: the objective is a deterministic function of the configuration.
  const auto init_seed = [](std::uint64_t seed) { return seed * 1000 + 1; };
  const auto batch_seed = [](std::uint64_t seed) { return seed * 1000 + 2; };

  // 1. The source: tune on digits 0-4 and keep the journal. It is a study run earlier, with its
  // own seed, so that it shares no initial design with the target searches.
  std::printf("1. tuning on the source task (digits 0-4), seed %llu\n",
              static_cast<unsigned long long>(settings.seed + 1000));
  auto source_start = Clock::now();
  const std::string source_journal = fresh_journal(settings.out, "source");
  {
    hpo::BayesianOptimization bo({.seed = settings.seed + 1000});
    auto objective = [&](const hpo::Config& c) {
      examples::Mlp net(64, {c.get<int>("hidden_units")}, 5,
                        examples::parse_activation(c.get<std::string>("activation")), init_seed(settings.seed + 1000));
      net.train(source.train.x, source.train.y, train_options(c, batch_seed(settings.seed + 1000)));
      return net.accuracy(source.valid.x, source.valid.y);
    };
    hpo::optimize(space, objective, bo,
                  {.max_evaluations = settings.source_budget,
                   .direction = hpo::Direction::Maximize,
                   .journal = source_journal,
                   .callbacks = {progress("source", settings.source_budget)},
                   .progress = false});
  }
  // What a later program would do: read the source study back from its journal.
  const hpo::Study source_study = hpo::Study::load(source_journal);
  const hpo::Config source_best = source_study.best().config;
  std::printf("   source best: validation accuracy %.4f with %s (%.1f s)\n\n", source_study.best().value,
              describe(source_best).c_str(), seconds_since(source_start));

  // Weight transfer: a network trained on digits 0-4 for each architecture (hidden units and
  // activation) a target trial asks for, with the source's best training settings; trained once.
  std::map<std::pair<int, std::string>, examples::Mlp> source_networks;
  auto source_network = [&](int units, const std::string& activation) -> const examples::Mlp& {
    const auto key = std::make_pair(units, activation);
    if (auto found = source_networks.find(key); found != source_networks.end()) return found->second;
    examples::Mlp net(64, {units}, 5, examples::parse_activation(activation), init_seed(settings.seed + 1000));
    net.train(source.train.x, source.train.y, train_options(source_best, batch_seed(settings.seed + 1000)));
    return source_networks.emplace(key, std::move(net)).first->second;
  };

  // 2. The target, four ways, for each seed: the same budget and seed for the four searches.
  const hpo::WarmStart warm = hpo::WarmStart::from({source_study}, space);
  const char* labels[4] = {"cold+scratch", "cold+fine-tune", "warm+scratch", "warm+fine-tune"};
  const char* names[4] = {"cold_scratch", "cold_fine_tune", "warm_scratch", "warm_fine_tune"};
  const std::size_t budget = settings.target_budget;
  const std::size_t checkpoints[3] = {std::max<std::size_t>(1, budget / 4), std::max<std::size_t>(1, budget / 2),
                                      budget};
  std::vector<std::vector<Outcome>> runs;  // [seed][combination]
  std::printf(
      "2. tuning on the target task (digits 5-9) four ways, for %d seed%s: search cold or warm (from the source\n"
      "   journal), each trial training from scratch or fine-tuning a source network\n",
      settings.repeats, settings.repeats > 1 ? "s" : "");
  for (int r = 0; r < settings.repeats; ++r) {
    const std::uint64_t seed = settings.seed + static_cast<std::uint64_t>(r);
    std::vector<Outcome> outcomes;
    for (int combination = 0; combination < 4; ++combination) {
      const bool warm_search = combination >= 2, fine_tune = combination % 2 == 1;
      Outcome outcome;
      outcome.label = labels[combination];
      const auto phase_start = Clock::now();
      auto objective = [&](const hpo::Config& c) {
        const int units = c.get<int>("hidden_units");
        const auto activation = c.get<std::string>("activation");
        examples::Mlp net(64, {units}, 5, examples::parse_activation(activation), init_seed(seed));
        if (fine_tune) net.copy_hidden_layers(source_network(units, activation));
        net.train(target.train.x, target.train.y, train_options(c, batch_seed(seed)));
        outcome.test_accuracy[c.to_string()] = net.accuracy(target.test.x, target.test.y);
        return net.accuracy(target.valid.x, target.valid.y);
      };
      hpo::BayesianOptimization bo({.seed = seed, .warm_start = warm_search ? warm : hpo::WarmStart{}});
      std::vector<hpo::Callback> callbacks;
      if (settings.verbose) callbacks.push_back(progress(outcome.label, budget));
      outcome.study = hpo::optimize(
          space, objective, bo,
          {.max_evaluations = budget,
           .direction = hpo::Direction::Maximize,
           .journal = fresh_journal(settings.out, std::string(names[combination]) + ".seed" + std::to_string(seed)),
           .callbacks = callbacks,
           .progress = false});
      outcome.seconds = seconds_since(phase_start);
      std::printf(
          "   seed %2llu  %-15s best validation accuracy after %zu/%zu/%zu: %.4f %.4f %.4f  test %.4f  (%.1f s)\n",
          static_cast<unsigned long long>(seed), outcome.label.c_str(), checkpoints[0], checkpoints[1], checkpoints[2],
          best_after(outcome.study, checkpoints[0]), best_after(outcome.study, checkpoints[1]),
          best_after(outcome.study, checkpoints[2]), outcome.test_accuracy.at(outcome.study.best().config.to_string()),
          outcome.seconds);
      std::fflush(stdout);
      outcomes.push_back(std::move(outcome));
    }
    runs.push_back(std::move(outcomes));
  }

  // 3. The table: means over the seeds.
  const auto n_runs = static_cast<double>(runs.size());
  const std::uint64_t last_seed = settings.seed + static_cast<std::uint64_t>(settings.repeats - 1);
  std::printf(
      "\nTarget task digits 5-9 (%d training images): best validation accuracy after n evaluations, and the\n"
      "test accuracy of the configuration each search chose; ",
      static_cast<int>(target.train.x.rows()));
  if (runs.size() == 1)
    std::printf("seed %llu.\n\n", static_cast<unsigned long long>(settings.seed));
  else
    std::printf("mean over seeds %llu-%llu.\n\n", static_cast<unsigned long long>(settings.seed),
                static_cast<unsigned long long>(last_seed));
  std::printf("  %-6s  %-10s  %7s  %7s  %7s    %s\n", "search", "training",
              ("n=" + std::to_string(checkpoints[0])).c_str(), ("n=" + std::to_string(checkpoints[1])).c_str(),
              ("n=" + std::to_string(checkpoints[2])).c_str(), "test");
  for (int combination = 0; combination < 4; ++combination) {
    double at[3] = {0, 0, 0}, test = 0;
    for (const auto& outcomes : runs) {
      const Outcome& o = outcomes[static_cast<std::size_t>(combination)];
      for (int k = 0; k < 3; ++k) at[k] += best_after(o.study, checkpoints[k]) / n_runs;
      test += o.test_accuracy.at(o.study.best().config.to_string()) / n_runs;
    }
    std::printf("  %-6s  %-10s  %7.4f  %7.4f  %7.4f    %.4f\n", combination >= 2 ? "warm" : "cold",
                combination % 2 ? "fine-tune" : "scratch", at[0], at[1], at[2], test);
  }

  // How many evaluations a search needed to reach another's final best, seed by seed.
  std::printf(
      "\nEvaluations needed to reach the final best (after %zu) of another search, per seed (- = not within %zu):\n",
      budget, budget);
  const auto reach = [&](int who, int reference) {
    std::string per_seed;
    std::vector<std::size_t> reached;
    for (const auto& outcomes : runs) {
      const std::size_t n = evaluations_to_reach(outcomes[static_cast<std::size_t>(who)].study,
                                                 outcomes[static_cast<std::size_t>(reference)].study.best().value);
      per_seed += n ? " " + std::to_string(n) : std::string(" -");
      if (n) reached.push_back(n);
    }
    std::sort(reached.begin(), reached.end());
    std::printf("  %-15s to %-17s%s", labels[who], (std::string(labels[reference]) + "'s:").c_str(), per_seed.c_str());
    if (runs.size() > 1) {
      std::printf("  (reached in %zu of %zu", reached.size(), runs.size());
      if (!reached.empty()) std::printf(", median %zu", reached[reached.size() / 2]);
      std::printf(")");
    }
    std::printf("\n");
  };
  reach(2, 0);  // hyperparameter transfer alone
  reach(3, 1);  // hyperparameter transfer, both sides fine-tuning
  reach(1, 0);  // weight transfer alone
  reach(3, 0);  // both
  std::printf(
      "\njournals in %s/ (source.jsonl, <search>.seed<N>.jsonl); %zu source networks trained for fine-tuning; "
      "total %.1f s\n",
      settings.out.c_str(), source_networks.size(), seconds_since(start));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "transfer_mlp: %s\n", e.what());
  return 1;
}
