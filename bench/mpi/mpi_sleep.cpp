// The distributed run's speed-up and the coordinator's cost (bench/results/mpi.md): an objective
// that sleeps (100 ms by default, no CPU: ranks beyond the cores do not compete), Bayesian
// optimization, a fixed number of evaluations. Rank 0 prints one line: ranks, evaluators, wall
// time; with progress on (--progress), hpo::mpi's own summary line on stderr gives the
// coordinator's busy time per trial. bench/mpi/run.sh runs it with -np 1, 2, 4, 8.
//
//   mpirun -np 4 ./mpi_sleep [--evaluations 60] [--sleep-ms 100] [--no-coordinator-evaluation] [--progress]

#include <hpo/hpo.hpp>
#include <hpo/mpi.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  std::size_t evaluations = 60;
  long sleep_ms = 100;
  bool coordinator_evaluates = true, progress = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--evaluations" && i + 1 < argc)
      evaluations = std::strtoul(argv[++i], nullptr, 10);
    else if (arg == "--sleep-ms" && i + 1 < argc)
      sleep_ms = std::strtol(argv[++i], nullptr, 10);
    else if (arg == "--no-coordinator-evaluation")
      coordinator_evaluates = false;
    else if (arg == "--progress")
      progress = true;
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0).add_real("y", 0.0, 15.0).add_int("units", 16, 256, hpo::Scale::Log);
  space.add_categorical("act", {"relu", "tanh", "elu"});
  const auto objective = [&](const hpo::Config& c) {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    const double x = c.get<double>("x") - 2.0, y = c.get<double>("y") - 3.0;
    return x * x + y * y + c.get<int>("units") / 256.0 + (c.get<std::string>("act") == "tanh" ? 0.0 : 1.0);
  };
  hpo::BayesianOptimization bo({.seed = 1});
  MPI_Barrier(MPI_COMM_WORLD);
  const auto start = std::chrono::steady_clock::now();
  const hpo::Study study =
      hpo::mpi::optimize(space, objective, bo, {.max_evaluations = evaluations, .progress = progress}, MPI_COMM_WORLD,
                         {.coordinator_evaluates = coordinator_evaluates});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rank == 0) {
    const int evaluators = size == 1 || coordinator_evaluates ? size : size - 1;
    std::printf("ranks %d evaluators %d trials %zu wall_s %.3f best %.4f\n", size, evaluators, study.finished_count(),
                wall, study.best().value);
  }
  MPI_Finalize();
}
