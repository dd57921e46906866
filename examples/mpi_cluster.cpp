// Tuning a neural network over the ranks of an MPI job: each trial trains a multilayer perceptron
// (examples/common/mlp.hpp) on handwritten digits 0-9 and returns its validation accuracy. Every
// rank runs this same program (SPMD); rank 0 asks Bayesian optimization for configurations and
// writes the journal, and every rank (rank 0 too) trains networks. At the end every rank holds the
// whole study, and each retrains the best configuration from its own initial weights: the spread
// of their accuracies shows how much of the best trial's score was the luck of its seed.
//
//   mpirun -np 8 ./mpi_cluster                      60 trials, up to 30 epochs each
//   mpirun -np 3 ./mpi_cluster --quick              8 short trials, for CI (a few seconds)
//   srun ./mpi_cluster --journal $SLURM_SUBMIT_DIR/digits.jsonl   (examples/slurm/mpi_cluster.sbatch)
//
// Options: --quick, --budget N (trials), --journal PATH (default mpi_cluster.jsonl; an existing
// journal of this space is resumed: a job that was stopped goes on where it was), --data DIR.
//
// Data: examples/data/digits.csv (UCI optical digits, 1797 images of 8x8 pixels, see
// examples/data/README.md); the first 1200 images train, the other 597 validate.

#include <hpo/hpo.hpp>
#include <hpo/mpi.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/data.hpp"
#include "common/mlp.hpp"

namespace {

/// The hyperparameters of one training run, bound to the search space below.
struct Hyper {
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;
  int hidden_units = 64;
  int batch_size = 32;
  std::string activation = "relu";
  int epochs = 10;
};

hpo::TypedSpace<Hyper> make_space(int max_epochs) {
  hpo::TypedSpace<Hyper> space;
  space.add_real("learning_rate", &Hyper::learning_rate, 1e-4, 0.3, hpo::Scale::Log)
      .add_real("weight_decay", &Hyper::weight_decay, 1e-5, 1.0, hpo::Scale::Log)
      .add_int("hidden_units", &Hyper::hidden_units, 8, 256, hpo::Scale::Log)
      .add_int("batch_size", &Hyper::batch_size, 8, 256, hpo::Scale::Log)
      .add_categorical("activation", &Hyper::activation, {"relu", "tanh", "elu", "sigmoid"})
      .add_int("epochs", &Hyper::epochs, 3, max_epochs);
  return space;
}

struct Part {
  examples::Matrix x;
  examples::Labels y;
};

// Rows [first, first + count) of the digits, pixels scaled to [0, 1].
Part rows(const examples::Dataset& data, Eigen::Index first, Eigen::Index count) {
  return {(data.features.middleRows(first, count) / 16.0).cast<float>(),
          data.targets.segment(first, count).cast<int>()};
}

// Trains a network with `h` from initial weights `seed`, and returns its validation accuracy.
double train(const Hyper& h, const Part& train_set, const Part& valid_set, std::uint64_t seed) {
  examples::Mlp net(64, {h.hidden_units}, 10, examples::parse_activation(h.activation), seed);
  net.train(train_set.x, train_set.y,
            {.learning_rate = h.learning_rate,
             .weight_decay = h.weight_decay,
             .batch_size = h.batch_size,
             .epochs = h.epochs,
             .seed = seed + 1});
  return net.accuracy(valid_set.x, valid_set.y);
}

struct Settings {
  std::size_t budget = 60;
  int max_epochs = 30;
  std::string journal = "mpi_cluster.jsonl";
  std::string data = HPO_EXAMPLES_DIR "/data";
};

Settings parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--quick") {
      settings.budget = 8;
      settings.max_epochs = 5;
    } else if (arg == "--budget" && has_value) {
      settings.budget = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--journal" && has_value) {
      settings.journal = argv[++i];
    } else if (arg == "--data" && has_value) {
      settings.data = argv[++i];
    } else {
      throw std::invalid_argument("mpi_cluster: unknown argument \"" + arg +
                                  "\" (--quick, --budget N, --journal PATH, --data DIR)");
    }
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  try {
    const Settings settings = parse(argc, argv);
    const examples::Dataset digits = examples::load_digits(settings.data);  // every rank reads it
    const Part train_set = rows(digits, 0, 1200), valid_set = rows(digits, 1200, digits.features.rows() - 1200);
    const auto space = make_space(settings.max_epochs);

    hpo::BayesianOptimization bo({.seed = 1});
    const hpo::Study study =
        hpo::mpi::optimize(space, [&](const Hyper& h) { return train(h, train_set, valid_set, 7); }, bo,
                           {.max_evaluations = settings.budget,
                            .direction = hpo::Direction::Maximize,
                            .journal = settings.journal,
                            .progress = rank == 0});  // the progress lines come from rank 0 anyway; the flag may differ

    // Every rank has the whole study: retrain the best configuration from this rank's own seed.
    const Hyper best = space.bind(study.best().config);
    const double mine = train(best, train_set, valid_set, 1000 + static_cast<std::uint64_t>(rank));
    double sum = 0.0, sum_squares = 0.0, squares = mine * mine;
    MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&squares, &sum_squares, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      const double mean = sum / size, spread = std::sqrt(std::max(0.0, sum_squares / size - mean * mean));
      std::printf("best of %zu trials: validation accuracy %.4f with %s\n", study.finished_count(), study.best().value,
                  study.best().config.to_string().c_str());
      std::printf("retrained on %d ranks, each from its own initial weights: accuracy %.4f +- %.4f\n", size, mean,
                  spread);
    }
  } catch (const std::exception& e) {
    // hpo::mpi throws the same error on every rank where it can (ranks that disagree, an error on
    // rank 0); anything else (this rank alone could not read the data) would leave the others
    // waiting, so the rank ends the job, as MPI programs do.
    std::fprintf(stderr, "mpi_cluster (rank %d): %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
}
