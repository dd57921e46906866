// Maximizing an accuracy, with a journal, and resuming after an interruption.
//
// A small neural network (examples/common/mlp.hpp) classifies the breast-cancer data
// (examples/data/breast_cancer.csv, 569 patients, 30 features; fixed split in file order: 350
// training, 219 validation rows, features standardized with the training rows' mean and spread).
// Each finished trial is appended to the journal `maximize_resume.jsonl` in the current folder.
// The first run is "interrupted" after 8 trials (a callback returning hpo::Action::Stop, as a
// crash or a time limit would); the second run opens the same journal, keeps those 8 trials and
// continues to the full budget of 25.
#include <hpo/hpo.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "common/data.hpp"
#include "common/mlp.hpp"

int main() try {
  const examples::Dataset data = examples::load_breast_cancer();
  const Eigen::Index n_train = 350, n = data.features.rows();
  const Eigen::RowVectorXd mean = data.features.topRows(n_train).colwise().mean();
  const Eigen::RowVectorXd spread =
      ((data.features.topRows(n_train).rowwise() - mean).array().square().colwise().mean().sqrt() + 1e-12).matrix();
  const examples::Matrix x =
      ((data.features.rowwise() - mean).array().rowwise() / spread.array()).matrix().cast<float>();
  const examples::Labels y = data.targets.cast<int>();

  hpo::SearchSpace space;
  space.add_real("learning_rate", 1e-4, 0.3, hpo::Scale::Log)
      .add_real("weight_decay", 1e-5, 1.0, hpo::Scale::Log)
      .add_int("hidden_units", 2, 64, hpo::Scale::Log)
      .add_int("epochs", 5, 60);

  auto validation_accuracy = [&](const hpo::Config& c) {
    examples::Mlp net(30, {c.get<int>("hidden_units")}, 2, examples::Activation::Relu, 1);
    net.train(x.topRows(n_train), y.head(n_train),
              {.learning_rate = c.get<double>("learning_rate"),
               .weight_decay = c.get<double>("weight_decay"),
               .batch_size = 32,
               .epochs = c.get<int>("epochs"),
               .seed = 2});
    return net.accuracy(x.bottomRows(n - n_train), y.tail(n - n_train));
  };

  const std::string journal = "maximize_resume.jsonl";
  std::filesystem::remove(journal);  // start afresh each time the example runs
  const std::size_t budget = 25;

  // First run: interrupted after 8 trials.
  hpo::BayesianOptimization first_bo({.seed = 11});
  const hpo::Study interrupted =
      hpo::optimize(space, validation_accuracy, first_bo,
                    {.max_evaluations = budget,
                     .direction = hpo::Direction::Maximize,
                     .journal = journal,
                     .callbacks = {[](const hpo::Study& s, const hpo::Trial&) {
                       return s.finished_count() == 8 ? hpo::Action::Stop : hpo::Action::Continue;
                     }}});
  std::printf("-- interrupted after %zu trials; best validation accuracy so far %.4f\n\n", interrupted.finished_count(),
              interrupted.best().value);

  // Second run, e.g. a new process: the same journal, the same budget. The trials already in the
  // journal count toward the budget and are not evaluated again.
  hpo::BayesianOptimization second_bo({.seed = 11});
  const hpo::Study resumed =
      hpo::optimize(space, validation_accuracy, second_bo,
                    {.max_evaluations = budget, .direction = hpo::Direction::Maximize, .journal = journal});

  std::size_t kept = 0;
  for (std::size_t i = 0; i < interrupted.trials().size(); ++i)
    kept +=
        resumed.trial(i).config == interrupted.trial(i).config && resumed.trial(i).value == interrupted.trial(i).value;
  std::printf("\n-- resumed: %zu trials in all, the first %zu kept from the interrupted run (%zu of %zu identical)\n",
              resumed.finished_count(), interrupted.finished_count(), kept, interrupted.trials().size());
  std::printf("best validation accuracy %.4f (trial %zu) with %s\n", resumed.best().value, resumed.best().number,
              resumed.best().config.to_string().c_str());
  std::printf("journal: %s (%zu trials; reload it with hpo::Study::load)\n", journal.c_str(),
              hpo::Study::load(journal).trials().size());
  return kept == interrupted.trials().size() ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "maximize_resume: %s\n", e.what());
  return 1;
}
