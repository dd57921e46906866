// Pruning: the flagship's MLP on data-poor digits 5-9, with epochs as the resource.
//
// Each trial trains the network one epoch at a time (up to 100), reports the validation loss after
// each epoch, and stops when the pruner says so. Bayesian optimization runs twice with the same
// seed: without pruning (every trial trains 100 epochs) and with asynchronous successive halving
// (hpo::SuccessiveHalvingPruner: rungs at 1, 3, 9, 27 and 81 epochs, the best third goes on), with
// the same number of epochs spent. The output compares the best validation loss each reached.
// The full comparison over 10 seeds, with Hyperband, the median rule and Optuna, is
// bench/results/pruning.md.
//
// Usage: pruning_mlp [--quick] [--data DIR]
//   --quick  seconds instead of a minute (12 full trials' worth of epochs, 30 epochs at most), for CI

#include <hpo/hpo.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/data.hpp"
#include "common/mlp.hpp"

namespace {

struct Digits {
  examples::Matrix x_train, x_valid;
  examples::Labels y_train, y_valid;
};

// Digits 5-9 in file order, as transfer_mlp splits them: 300 to train, the next 300 to validate.
Digits load(const std::string& directory) {
  const examples::Dataset data = examples::load_digits(directory);
  std::vector<Eigen::Index> rows;
  for (Eigen::Index r = 0; r < data.targets.size(); ++r)
    if (data.targets[r] >= 5) rows.push_back(r);
  if (rows.size() < 600) throw std::runtime_error(directory + "/digits.csv: fewer than 600 images of digits 5-9");
  Digits d;
  const auto fill = [&](examples::Matrix& x, examples::Labels& y, std::size_t first) {
    x.resize(300, 64);
    y.resize(300);
    for (Eigen::Index i = 0; i < 300; ++i) {
      const auto r = rows[first + static_cast<std::size_t>(i)];
      x.row(i) = (data.features.row(r) / 16.0).cast<float>();
      y[i] = static_cast<int>(data.targets[r]) - 5;
    }
  };
  fill(d.x_train, d.y_train, 0);
  fill(d.x_valid, d.y_valid, 300);
  return d;
}

}  // namespace

int main(int argc, char** argv) try {
  bool quick = false;
  std::string data = HPO_EXAMPLES_DIR "/data";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else {
      throw std::invalid_argument("unknown argument " + arg + " (usage: pruning_mlp [--quick] [--data DIR])");
    }
  }
  const Digits digits = load(data);
  const int max_epochs = quick ? 30 : 100;
  const std::size_t full_trials = quick ? 12 : 40;

  hpo::SearchSpace space;
  space.add_real("learning_rate", 1e-4, 0.3, hpo::Scale::Log)
      .add_real("weight_decay", 1e-5, 1.0, hpo::Scale::Log)
      .add_int("hidden_units", 8, 512, hpo::Scale::Log)
      .add_int("batch_size", 8, 256, hpo::Scale::Log)
      .add_categorical("activation", {"relu", "tanh", "elu", "sigmoid"});

  long epochs = 0;  // the objective runs on this thread (n_jobs = 1): a plain counter will do
  auto train = [&](const hpo::Config& c, hpo::Reporter& reporter) {
    examples::Mlp net(64, {c.get<int>("hidden_units")}, 5, examples::parse_activation(c.get<std::string>("activation")),
                      1);
    examples::Mlp::Training training(net, digits.x_train, digits.y_train,
                                     {.learning_rate = c.get<double>("learning_rate"),
                                      .weight_decay = c.get<double>("weight_decay"),
                                      .batch_size = c.get<int>("batch_size"),
                                      .epochs = max_epochs,
                                      .seed = 1});
    double loss = 0.0;
    for (int epoch = 1; epoch <= max_epochs; ++epoch) {
      training.epoch();
      ++epochs;
      loss = net.loss(digits.x_valid, digits.y_valid);  // NaN when training diverged: the trial fails
      reporter.report(epoch, loss);
      if (reporter.should_prune()) throw hpo::TrialPruned();
    }
    return loss;
  };

  const long budget = static_cast<long>(full_trials) * max_epochs;
  hpo::BayesianOptimization plain({.seed = 1});
  const hpo::Study full = hpo::optimize(space, train, plain, {.max_evaluations = full_trials, .progress = false});
  const long full_epochs = std::exchange(epochs, 0);

  hpo::BayesianOptimization bo({.seed = 1});
  const hpo::Study pruned =
      hpo::optimize(space, train, bo,
                    {.max_evaluations = 0,
                     .callbacks = {[&](const hpo::Study&, const hpo::Trial&) {
                       return epochs >= budget ? hpo::Action::Stop : hpo::Action::Continue;
                     }},
                     .progress = false,
                     .pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3}});

  std::printf("without pruning: %zu trials, %ld epochs, best validation loss %.4f\n", full.trials().size(), full_epochs,
              full.best().value);
  std::printf("with ASHA:       %zu trials (%zu pruned), %ld epochs, best validation loss %.4f\n",
              pruned.trials().size(), pruned.pruned_count(), epochs, pruned.best().value);
  std::printf("best with ASHA:  %s\n", pruned.best().config.to_string().c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "pruning_mlp: %s\n", e.what());
  return 1;
}
