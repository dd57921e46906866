// A job that ends mid-run, then its resume (driven by crash_then_resume.sh):
//   mpi_crash_resume JOURNAL abort    the last rank's objective calls MPI_Abort at its 3rd trial
//   mpi_crash_resume JOURNAL die      the last rank kills itself (SIGKILL) at its 3rd trial
//   mpi_crash_resume JOURNAL resume   runs to the budget on the same journal, then checks that every
//                                     trial the first job finished is kept as it was and that none
//                                     was evaluated again; exits 1 on the first check that fails
#include <hpo/mpi.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace {

constexpr std::size_t kBudget = 40;

hpo::SearchSpace space() {
  hpo::SearchSpace s;
  s.add_real("x", -5.0, 5.0).add_int("n", 1, 8);
  return s;
}

int fail(const std::string& what) {
  std::printf("mpi_crash_resume: %s\n", what.c_str());
  return 1;
}

// The checks after the resumed job; `before` is the journal as the crashed job left it.
int check(const hpo::Study& before, const hpo::Study& after, std::size_t evaluated_now,
          const std::vector<hpo::Config>& mine) {
  std::unordered_set<hpo::Config, hpo::ConfigHash> finished_before;
  std::size_t lost = 0;
  for (const auto& t : before.trials()) {
    if (!t.running()) finished_before.insert(t.config);
    if (t.running()) ++lost;
    if (t.number >= after.trials().size()) return fail("trial " + std::to_string(t.number) + " is gone");
    const auto& now = after.trial(t.number);
    if (now.config != t.config) return fail("trial " + std::to_string(t.number) + " changed its configuration");
    if (!t.running() &&
        (now.state != t.state || !(now.value == t.value || (t.value != t.value && now.value != now.value))))
      return fail("finished trial " + std::to_string(t.number) + " changed its outcome");
    if (t.running() && (!now.failed() || now.error.rfind("lost: ", 0) != 0))
      return fail("trial " + std::to_string(t.number) + ", running at the crash, is not marked lost: " + now.error);
  }
  for (const auto& config : mine)
    if (finished_before.count(config)) return fail("evaluated again: " + config.to_string());
  if (before.finished_count() == 0 || before.finished_count() >= kBudget)
    return fail("the crash came after " + std::to_string(before.finished_count()) + " finished trials");
  if (evaluated_now == 0) return fail("the resumed job had nothing left to evaluate: the check proves nothing");
  if (after.finished_count() != kBudget) return fail("finished " + std::to_string(after.finished_count()));
  if (evaluated_now != kBudget - before.finished_count() - lost)
    return fail(std::to_string(evaluated_now) + " evaluations in the resumed job, expected " +
                std::to_string(kBudget - before.finished_count() - lost));
  std::printf("mpi_crash_resume: %zu trials finished before the crash, %zu lost with it, %zu evaluated now\n",
              before.finished_count(), lost, evaluated_now);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc != 3) return fail("usage: mpi_crash_resume JOURNAL abort|die|resume");
  const std::string journal = argv[1], mode = argv[2];
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const hpo::Study before = mode == "resume" ? hpo::Study::load(journal) : hpo::Study(space());
  MPI_Barrier(MPI_COMM_WORLD);  // every rank has read the journal before rank 0 appends to it

  std::vector<hpo::Config> mine;
  const auto objective = [&](const hpo::Config& c) {
    mine.push_back(c);
    if (rank == size - 1 && mine.size() == 3) {
      if (mode == "abort") MPI_Abort(MPI_COMM_WORLD, 3);
      if (mode == "die") ::raise(SIGKILL);
    }
    // Slow while the job is to crash: the others must not spend the budget before Open MPI
    // notices the dead rank and ends the job (0.5 s and more here), or the resume has nothing to do.
    std::this_thread::sleep_for(std::chrono::milliseconds(mode == "resume" ? 30 : 100));
    return c.get<double>("x") * c.get<double>("x") + c.get<int>("n");
  };
  hpo::BayesianOptimization bo({.seed = 3});
  const auto after =
      hpo::mpi::optimize(space(), objective, bo, {.max_evaluations = kBudget, .journal = journal, .progress = false});
  unsigned long long evaluated = mine.size(), total = 0;
  MPI_Allreduce(&evaluated, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  const int code = mode == "resume" ? check(before, after, total, mine) : fail("the job was meant to end before this");
  MPI_Finalize();
  return code;
}
