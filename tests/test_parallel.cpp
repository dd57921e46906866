// Parallel trials: n_jobs threads in one process, and several processes (fork) on one journal:
// budgets, distinct configurations, failures, lost trials, heartbeats, a full disk, lock errors.
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/gradient_descent.hpp>
#include <hpo/optimizers/grid_search.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/pruning.hpp>

#include "support/temp_files.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
using namespace std::chrono_literals;

namespace {
hpo::SearchSpace space_2d() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0).add_real("y", 0.0, 15.0);
  return space;
}

double round_bowl(const hpo::Config& c) {
  const double x = c.get<double>("x") - 1.0, y = c.get<double>("y") - 2.0;
  return x * x + y * y;
}

std::string parallel_temp_path(const std::string& name) { return hpo_test::temp_path("parallel", name); }

std::set<std::string> distinct_configs(const hpo::Study& study) {
  std::set<std::string> configs;
  for (const auto& t : study.trials()) configs.insert(t.config.to_string() + std::to_string(t.config.get<double>("x")));
  return configs;
}

// Runs `body` in a child process and returns its exit code (the child never returns to Catch).
pid_t spawn(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %d: %s\n", ::getpid(), e.what());
      code = 98;
    }
    ::_exit(code);
  }
  REQUIRE(pid > 0);
  return pid;
}

int exit_code(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

TEST_CASE("n_jobs threads finish exactly max_evaluations distinct trials", "[parallel][threads]") {
  for (const std::size_t jobs : {2, 4, 8}) {
    std::atomic<int> running{0}, most{0};
    auto f = [&](const hpo::Config& c) {
      const int now = ++running;
      for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(2ms);
      --running;
      return round_bowl(c);
    };
    const auto study = hpo::optimize(space_2d(), f, hpo::RandomSearch({.seed = jobs}),
                                     {.max_evaluations = 40, .progress = false, .n_jobs = jobs});
    REQUIRE(study.trials().size() == 40);
    REQUIRE(study.finished_count() == 40);
    REQUIRE(distinct_configs(study).size() == 40);
    REQUIRE(most.load() > 1);  // evaluations did overlap
    REQUIRE(static_cast<std::size_t>(most.load()) <= jobs);
    std::set<std::string> workers;
    for (const auto& t : study.trials()) workers.insert(t.worker);
    REQUIRE(workers.size() > 1);
  }
}

TEST_CASE("with threads, Bayesian optimization proposes distinct points and finds the bowl",
          "[parallel][threads]") {
  const auto study =
      hpo::optimize(space_2d(),
                    [](const hpo::Config& c) {
                      std::this_thread::sleep_for(1ms);
                      return round_bowl(c);
                    },
                    hpo::BayesianOptimization({.seed = 3}), {.max_evaluations = 30, .progress = false, .n_jobs = 4});
  REQUIRE(study.finished_count() == 30);
  REQUIRE(distinct_configs(study).size() == 30);
  REQUIRE(study.best().value < 0.05);
}

TEST_CASE("failures in workers are failed trials, callbacks and progress never run at once", "[parallel][threads]") {
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  std::atomic<int> calls{0};
  std::size_t callbacks = 0;
  auto f = [&](const hpo::Config& c) {
    const int call = ++calls;
    if (call % 5 == 0) throw std::runtime_error("worker failure " + std::to_string(call));
    if (call % 7 == 0) return std::numeric_limits<double>::quiet_NaN();
    return round_bowl(c);
  };
  auto callback = [&](const hpo::Study&, const hpo::Trial&) {
    if (++in_callback > 1) overlapped = true;
    std::this_thread::sleep_for(200us);
    ++callbacks;
    --in_callback;
  };
  const auto study = hpo::optimize(space_2d(), f, hpo::RandomSearch({.seed = 1}),
                                   {.max_evaluations = 35, .callbacks = {callback}, .progress = false, .n_jobs = 4});
  REQUIRE(study.finished_count() == 35);
  REQUIRE(callbacks == 35);
  REQUIRE_FALSE(overlapped.load());
  REQUIRE(study.failed_count() == 11);  // 7 throws (calls 5, 10, ..., 35) and 4 NaNs (calls 7, 14, 21, 28)
  std::size_t thrown = 0;
  for (const auto& t : study.trials()) thrown += t.failed() && t.error.find("worker failure") != std::string::npos;
  REQUIRE(thrown == 7);
}

TEST_CASE("max_seconds stops starting trials, the running ones finish and are recorded", "[parallel][threads]") {
  const auto study = hpo::optimize(space_2d(),
                                   [](const hpo::Config& c) {
                                     std::this_thread::sleep_for(30ms);
                                     return round_bowl(c);
                                   },
                                   hpo::RandomSearch({.seed = 2}),
                                   {.max_evaluations = 0, .max_seconds = 0.1, .progress = false, .n_jobs = 4});
  REQUIRE(study.trials().size() >= 4);
  REQUIRE(study.running_count() == 0);
  REQUIRE(study.finished_count() == study.trials().size());
}

TEST_CASE("gradient descent evaluates its probes concurrently", "[parallel][threads]") {
  std::atomic<int> running{0}, most{0};
  auto f = [&](const hpo::Config& c) {
    const int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(3ms);
    --running;
    return round_bowl(c);
  };
  const auto study = hpo::optimize(space_2d(), f, hpo::GradientDescent({.learning_rate = 0.1}),
                                   {.max_evaluations = 25, .progress = false, .n_jobs = 4});
  REQUIRE(study.finished_count() == 25);
  REQUIRE(most.load() >= 2);  // central differences: 4 probes per step, out together
}

namespace {
// Curves |x - 1| + |y - 2| + 3 / epoch reported for 9 epochs, pruned when the pruner says so; a
// short sleep lets the threads' reports interleave.
double reported(const hpo::Config& c, int epoch) {
  return std::abs(c.get<double>("x") - 1.0) + std::abs(c.get<double>("y") - 2.0) + 3.0 / epoch;
}
double train_pruned(const hpo::Config& c, hpo::Reporter& reporter) {
  for (int epoch = 1; epoch <= 9; ++epoch) {
    std::this_thread::sleep_for(200us);
    reporter.report(epoch, reported(c, epoch));
    if (reporter.should_prune()) throw hpo::TrialPruned();
  }
  return reported(c, 9);
}

void check_pruned_study(const hpo::Study& study, const std::string& journal) {
  std::size_t points = 0;
  for (const auto& t : study.trials()) {
    REQUIRE_FALSE(t.running());
    REQUIRE_FALSE(t.failed());
    for (const auto& [epoch, value] : t.intermediate) REQUIRE(value == reported(t.config, static_cast<int>(epoch)));
    REQUIRE(t.intermediate.size() == (t.pruned() ? static_cast<std::size_t>(t.intermediate.rbegin()->first) : 9u));
    points += t.intermediate.size();
  }
  std::ifstream in(journal);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.find("\"type\":\"intermediate\"") != std::string::npos;
  REQUIRE(lines == points);  // every report became its own journal line
}
}  // namespace

TEST_CASE("pruning with n_jobs threads: reports from every worker, every curve kept", "[parallel][threads][pruning]") {
  const std::string path = parallel_temp_path("pruning_threads.jsonl");
  const auto study = hpo::optimize(space_2d(), train_pruned, hpo::RandomSearch({.seed = 4}),
                                   {.max_evaluations = 40,
                                    .journal = path,
                                    .progress = false,
                                    .n_jobs = 4,
                                    .pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3}});
  REQUIRE(study.finished_count() == 40);
  REQUIRE(study.pruned_count() > 10);
  REQUIRE(study.completed_count() > 0);
  check_pruned_study(study, path);
}

TEST_CASE("pruning across processes: each judges against the others' curves from the journal",
          "[parallel][processes][pruning]") {
  const std::string path = parallel_temp_path("pruning_processes.jsonl");
  std::vector<pid_t> children;
  for (std::uint64_t seed = 1; seed <= 3; ++seed)
    children.push_back(spawn([&, seed] {
      hpo::optimize(space_2d(), train_pruned, hpo::RandomSearch({.seed = seed}),
                    {.max_evaluations = 45,
                     .journal = path,
                     .progress = false,
                     .pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3}});
      return 0;
    }));
  for (pid_t child : children) REQUIRE(exit_code(child) == 0);
  const auto study = hpo::Study::load(path);
  REQUIRE(study.trials().size() == 45);
  check_pruned_study(study, path);
  std::set<std::string> workers;
  for (const auto& t : study.trials()) workers.insert(t.worker);
  REQUIRE(workers.size() == 3);
  // Trials pruned at a rung where they beat every earlier trial of their own process: only the
  // other processes' curves, read from the journal, can have pruned them.
  std::size_t pruned_by_others = 0;
  for (const auto& t : study.trials()) {
    if (!t.pruned()) continue;
    const auto [rung, value] = *t.intermediate.rbegin();
    bool best_of_own = true;
    for (const auto& u : study.trials()) {
      if (u.number >= t.number || u.worker != t.worker) continue;
      const auto at = u.intermediate.lower_bound(rung);
      if (at != u.intermediate.end() && at->second <= value) best_of_own = false;
    }
    pruned_by_others += best_of_own;
  }
  REQUIRE(pruned_by_others > 0);
}

TEST_CASE("n_jobs out of range is an error naming it", "[parallel][errors]") {
  REQUIRE_THROWS_WITH(hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch(), {.progress = false, .n_jobs = 5000}),
                      Contains("n_jobs") && Contains("5000"));
  REQUIRE(
      hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch(), {.max_evaluations = 6, .progress = false, .n_jobs = 0})
          .finished_count() == 6);
}

TEST_CASE("four processes share one journal: unique numbers, no overshoot, every trial kept", "[parallel][processes]") {
  const auto path = parallel_temp_path("four.jsonl");
  std::vector<pid_t> children;
  for (std::uint64_t k = 0; k < 4; ++k) {
    children.push_back(spawn([&, k] {
      const auto study =
          hpo::optimize(space_2d(),
                        [](const hpo::Config& c) {
                          std::this_thread::sleep_for(1ms);
                          return round_bowl(c);
                        },
                        hpo::RandomSearch({.seed = k}), {.max_evaluations = 120, .journal = path, .progress = false});
      return study.finished_count() == 120 && study.running_count() == 0 ? 0 : 3;
    }));
  }
  for (const pid_t child : children) REQUIRE(exit_code(child) == 0);
  const auto study = hpo::Study::load(path);  // every line parses: none torn or interleaved
  REQUIRE(study.trials().size() == 120);
  REQUIRE(study.completed_count() == 120);
  REQUIRE(distinct_configs(study).size() == 120);
  std::set<std::string> processes;
  for (const auto& t : study.trials()) processes.insert(t.worker);
  REQUIRE(processes.size() == 4);
  std::filesystem::remove(path);
}

TEST_CASE("a journal another process is creating is never read without its header", "[parallel][processes]") {
  constexpr int journals = 300;
  std::vector<std::string> paths;
  for (int i = 0; i < journals; ++i) paths.push_back(parallel_temp_path("created_" + std::to_string(i) + ".jsonl"));
  const pid_t creator = spawn([&] {
    for (const auto& path : paths) (void)hpo::Study::open(path, space_2d());
    return 0;
  });
  int loaded = 0;
  for (const auto& path : paths) {  // each is read the moment it appears
    for (const auto deadline = std::chrono::steady_clock::now() + 30s; !std::filesystem::exists(path);)
      REQUIRE(std::chrono::steady_clock::now() < deadline);
    REQUIRE(hpo::Study::load(path).space().size() == 2);
    ++loaded;
  }
  REQUIRE(exit_code(creator) == 0);
  REQUIRE(loaded == journals);
  for (const auto& path : paths) std::filesystem::remove(path);
}

TEST_CASE("a process killed mid-trial: the others finish, its trial ends as failed \"lost\"", "[parallel][processes]") {
  const auto path = parallel_temp_path("killed.jsonl");
  const hpo::JournalOptions journal{.heartbeat_interval = 0.1, .lost_after = 2.0};
  const pid_t victim = spawn([&] {
    int calls = 0;
    (void)hpo::optimize(space_2d(),
                        [&](const hpo::Config& c) {
                          if (++calls == 3) std::this_thread::sleep_for(60s);  // killed here
                          return round_bowl(c);
                        },
                        hpo::RandomSearch({.seed = 11}),
                        {.max_evaluations = 30, .journal = path, .progress = false, .journal_options = journal});
    return 0;
  });
  for (int waited = 0; waited < 500; ++waited) {  // until its third trial runs
    std::this_thread::sleep_for(10ms);
    if (!std::filesystem::exists(path)) continue;
    const auto seen = hpo::Study::load(path);
    if (seen.trials().size() == 3 && seen.running_count() == 1) break;
  }
  REQUIRE(::kill(victim, SIGKILL) == 0);
  REQUIRE(exit_code(victim) == 128 + SIGKILL);
  std::vector<pid_t> others;
  for (std::uint64_t k = 0; k < 2; ++k)
    others.push_back(spawn([&, k] {
      const auto study =
          hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch({.seed = 20 + k}),
                        {.max_evaluations = 30, .journal = path, .progress = false, .journal_options = journal});
      return study.finished_count() == 30 ? 0 : 3;
    }));
  for (const pid_t child : others) REQUIRE(exit_code(child) == 0);
  const auto study = hpo::Study::load(path);
  REQUIRE(study.trials().size() == 30);
  REQUIRE(study.failed_count() == 1);
  REQUIRE_THAT(study.trials()[2].error, StartsWith("lost: no heartbeat from ") &&
                                            Contains(":" + std::to_string(victim) + " since ") &&
                                            EndsWith("(the process is no longer running)"));
  std::filesystem::remove(path);
}

TEST_CASE("a silent process on another machine loses its trial after lost_after, a live one keeps it",
          "[parallel][processes]") {
  const auto path = parallel_temp_path("silent.jsonl");
  {
    auto study = hpo::Study::open(path, space_2d());  // a header, then a start from "node7", which never speaks again
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << R"({"type":"start","number":0,"config":{"x":1.0,"y":2.0},"worker":"node7:4242","session":"0123456789abcdef","started_at":1.0})"
        << "\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto study = hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch({.seed = 4}),
                                   {.max_evaluations = 5,
                                    .journal = path,
                                    .progress = false,
                                    .journal_options = {.heartbeat_interval = 0.1, .lost_after = 0.5}});
  REQUIRE(std::chrono::steady_clock::now() - start >= 500ms);  // it waited for the budget's last slot
  REQUIRE(study.finished_count() == 5);
  REQUIRE_THAT(study.trials()[0].error, Contains("lost: no heartbeat from node7:4242 since"));

  // A live process with a long trial keeps it, thanks to its heartbeats.
  const auto path2 = parallel_temp_path("heartbeat.jsonl");
  // Each trial outlasts lost_after; the margin of 20 heartbeats absorbs a loaded machine's delays.
  const hpo::JournalOptions journal{.heartbeat_interval = 0.05, .lost_after = 1.0};
  const pid_t slow = spawn([&] {
    const auto s =
        hpo::optimize(space_2d(),
                      [](const hpo::Config& c) {
                        std::this_thread::sleep_for(1500ms);
                        return round_bowl(c);
                      },
                      hpo::RandomSearch({.seed = 5}),
                      {.max_evaluations = 6, .journal = path2, .progress = false, .journal_options = journal});
    return s.finished_count() == 6 ? 0 : 3;
  });
  std::this_thread::sleep_for(200ms);
  const auto fast =
      hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch({.seed = 6}),
                    {.max_evaluations = 6, .journal = path2, .progress = false, .journal_options = journal});
  REQUIRE(exit_code(slow) == 0);
  REQUIRE(fast.finished_count() == 6);
  REQUIRE(hpo::Study::load(path2).failed_count() == 0);
  std::filesystem::remove(path);
  std::filesystem::remove(path2);
}

TEST_CASE("a journal write that fails surfaces its own error, memory keeps only what the journal has",
          "[parallel][errors]") {
  const auto path = parallel_temp_path("full_disk.jsonl");
  const pid_t child = spawn([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    auto study = hpo::Study::open(path, space_2d());
    hpo::RandomSearch random({.seed = 1});
    const auto trial = study.ask(random);
    const rlimit limit{.rlim_cur = static_cast<rlim_t>(std::filesystem::file_size(path) + 10),
                       .rlim_max = RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
    try {
      study.tell(trial->number, 1.0);
      return 11;
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      if (message.find("writing to journal") == std::string::npos ||
          message.find("File too large") == std::string::npos)
        return 12;
    }
    if (!study.trials()[trial->number].running()) return 13;  // not finished in memory: the journal lacks it
    const rlimit none{.rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &none);
    if (!hpo::Study::load(path).trials()[0].running()) return 14;
    // Through optimize(): the run ends with the write error, not "trial N is already completed".
    const auto path2 = path + ".2";
    std::filesystem::remove(path2);
    auto fresh = hpo::Study::open(path2, space_2d());
    const rlimit small{.rlim_cur = static_cast<rlim_t>(std::filesystem::file_size(path2) + 2000),
                       .rlim_max = RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &small);
    try {
      (void)hpo::optimize(space_2d(), round_bowl, hpo::RandomSearch(),
                          {.max_evaluations = 100, .journal = path2, .progress = false});
      return 15;
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      if (message.find("File too large") == std::string::npos || message.find("already") != std::string::npos)
        return 16;
    }
    ::setrlimit(RLIMIT_FSIZE, &none);
    (void)hpo::Study::load(path2);  // still readable: no half line
    std::filesystem::remove(path2);
    return 0;
  });
  REQUIRE(exit_code(child) == 0);
  std::filesystem::remove(path);
}

TEST_CASE("a journal whose creation fails leaves no file behind, neither it nor its draft", "[parallel][errors]") {
  const auto path = parallel_temp_path("full_disk_new.jsonl");
  const auto folder = std::filesystem::path(path).parent_path();
  const auto leftovers = [&] {
    std::size_t found = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      found += entry.path().filename().string().rfind("hpo_test_parallel_full_disk_new.jsonl", 0) == 0;
    return found;
  };
  REQUIRE(leftovers() == 0);
  const pid_t child = spawn([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    // Room for the lock file (host:pid and a token, under 100 bytes), not for the header (237).
    const rlimit limit{.rlim_cur = 150, .rlim_max = RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
    try {
      (void)hpo::Study::open(path, space_2d());
      return 11;
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      if (message.find("writing to journal \"" + path + "\"") == std::string::npos ||
          message.find("File too large") == std::string::npos) {
        std::fprintf(stderr, "%s\n", message.c_str());
        return 12;
      }
    }
    return 0;
  });
  REQUIRE(exit_code(child) == 0);
  CHECK(leftovers() == 0);
  std::filesystem::remove(path + ".lock");
}

TEST_CASE("journal errors: another space, a lock that cannot be taken, a missing directory", "[parallel][errors]") {
  const auto path = parallel_temp_path("errors.jsonl");
  { auto study = hpo::Study::open(path, space_2d()); }
  hpo::SearchSpace other;
  other.add_real("x", -5.0, 10.0);
  REQUIRE_THROWS_WITH(hpo::Study::open(path, other), Contains(path) && Contains("\"y\""));
  std::filesystem::create_directory(path + ".lock");  // a lock path this process cannot create
  REQUIRE_THROWS_WITH(hpo::Study::open(path, space_2d()), Contains(path + ".lock") && Contains("not a file"));
  std::filesystem::remove(path + ".lock");
  const auto nowhere = (std::filesystem::temp_directory_path() / "hpo_no_such_dir" / "j.jsonl").string();
  REQUIRE_THROWS_WITH(hpo::Study::open(nowhere, space_2d()),
                      Contains(nowhere) && Contains("No such file or directory"));
  std::filesystem::remove(path);
}

TEST_CASE("a lock left by a killed holder is broken once stale, whether written or still empty", "[parallel][errors]") {
  // A holder killed while it held the lock leaves its line in the lock file; one killed between
  // creating the file and writing it leaves it empty, which every later process used to wait on
  // for its whole lock_timeout (the likely cause of one hung MPI crash-and-resume test in CI).
  const auto path = parallel_temp_path("stale_lock.jsonl");
  { auto study = hpo::Study::open(path, space_2d()); }
  const hpo::JournalOptions options{.lock_stale_after = 0.2, .lock_timeout = 10.0};
  for (const std::string& left : {std::string("otherhost:4242 0123456789abcdef\n"), std::string()}) {
    INFO("lock file content: \"" << left << "\"");
    std::ofstream(path + ".lock") << left;
    const auto start = std::chrono::steady_clock::now();
    REQUIRE_NOTHROW(hpo::Study::open(path, space_2d(), hpo::Direction::Minimize, options));
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= 0.2);
    CHECK_FALSE(std::filesystem::exists(path + ".lock"));
  }
  std::filesystem::remove(path);
}

TEST_CASE("ask and tell by hand across processes: one asks, others tell", "[parallel][processes]") {
  const auto path = parallel_temp_path("external.jsonl");
  auto scheduler = hpo::Study::open(path, space_2d());
  hpo::RandomSearch random({.seed = 8});
  std::vector<std::size_t> numbers;
  for (int i = 0; i < 6; ++i) numbers.push_back(scheduler.ask(random)->number);
  std::vector<pid_t> workers;
  for (const std::size_t number : numbers)
    workers.push_back(spawn([&, number] {
      auto study = hpo::Study::open(path, space_2d());
      const auto& trial = study.tell(number, round_bowl(study.trial(number).config));
      return trial.completed() ? 0 : 3;
    }));
  for (const pid_t worker : workers) REQUIRE(exit_code(worker) == 0);
  scheduler.sync();
  REQUIRE(scheduler.completed_count() == 6);
  REQUIRE(scheduler.running_count() == 0);
  std::filesystem::remove(path);
}

// --- Bayesian optimization's pending strategies (hpo::PendingStrategy) ---------------------------

namespace {
const std::vector<hpo::PendingStrategy> kStrategies{
    hpo::PendingStrategy::KrigingBeliever,  hpo::PendingStrategy::ConstantLiarMin,
    hpo::PendingStrategy::ConstantLiarMean, hpo::PendingStrategy::LocalPenalization,
    hpo::PendingStrategy::ThompsonSampling, hpo::PendingStrategy::QLogExpectedImprovement};

// Distance in the unit square between two configurations of space_2d().
double unit_distance(const hpo::Config& a, const hpo::Config& b) {
  const auto space = space_2d();
  return (space.to_unit(a) - space.to_unit(b)).norm();
}

// 12 ask/tell rounds of `bo` on the round_bowl, then one more ask, left running: the proposal with
// nothing pending, at the acquisition's best.
hpo::Study study_with_greedy_proposal(hpo::BayesianOptimization& bo) {
  hpo::Study study(space_2d());
  for (int i = 0; i < 12; ++i) {
    const auto trial = study.ask(bo);
    study.tell(trial->number, round_bowl(trial->config));
  }
  study.ask(bo);
  return study;
}
}  // namespace

TEST_CASE("every pending strategy steers the next proposal off a running trial", "[parallel][bo]") {
  // Control: the same ask once the greedy proposal has failed (so nothing is running) lands next
  // to it again, as any strategy that ignored running trials would.
  hpo::BayesianOptimization control({.seed = 5, .exploit_every = 0});
  hpo::Study reference = study_with_greedy_proposal(control);
  const hpo::Trial greedy = reference.trials().back();
  reference.fail(greedy.number, "control");
  const double repeated = unit_distance(reference.ask(control)->config, greedy.config);
  INFO("control distance " << repeated);
  REQUIRE(repeated < 0.01);
  for (const auto strategy : kStrategies) {
    hpo::BayesianOptimization bo({.seed = 5, .exploit_every = 0, .pending = strategy});
    hpo::Study study = study_with_greedy_proposal(bo);
    REQUIRE(study.trials().back().config == greedy.config);  // the strategy played no part so far
    const double moved = unit_distance(study.ask(bo)->config, study.trials()[12].config);
    INFO("strategy " << static_cast<int>(strategy) << " distance " << moved);
    // Measured: 4.5e-4 for the kriging believer (12 points of a bowl leave little doubt where its
    // minimum is, and the believer only takes the variance away there) up to 0.6 for qLogEI.
    CHECK(moved > 1e-4);
  }
}

TEST_CASE("with no trial running the pending strategy changes nothing: n_jobs = 1 runs are identical",
          "[parallel][bo]") {
  const auto run = [](hpo::PendingStrategy strategy) {
    return hpo::optimize(space_2d(), round_bowl, hpo::BayesianOptimization({.seed = 11, .pending = strategy}),
                         {.max_evaluations = 16, .progress = false});
  };
  const auto reference = run(hpo::PendingStrategy::KrigingBeliever);
  for (const auto strategy : kStrategies) {
    const auto study = run(strategy);
    for (std::size_t i = 0; i < reference.trials().size(); ++i)
      REQUIRE(study.trials()[i].config == reference.trials()[i].config);
  }
}

TEST_CASE("four trials in flight: every pending strategy proposes distinct points and finds the bowl",
          "[parallel][bo]") {
  // n_jobs = 4 with the timing taken out: four trials run at once and the oldest finishes first,
  // so the run, and the numbers below, are the same on every machine.
  for (const auto strategy : kStrategies) {
    hpo::BayesianOptimization bo({.seed = 3, .pending = strategy});
    hpo::Study study(space_2d());
    std::size_t told = 0;
    while (study.finished_count() < 30) {
      while (study.trials().size() < 30 && study.running_count() < 4) REQUIRE(study.ask(bo));
      const auto& oldest = study.trials()[told++];
      study.tell(oldest.number, round_bowl(oldest.config));
    }
    INFO("strategy " << static_cast<int>(strategy) << " best " << study.best().value);
    REQUIRE(distinct_configs(study).size() == 30);
    // Measured: 5e-6 (Thompson sampling) to 0.31 (constant liar at the mean, the most exploring);
    // 30 uniform draws come within 0.5 of the minimum about one time in five.
    CHECK(study.best().value < 0.5);
  }
}

TEST_CASE("with threads every pending strategy finishes the budget with distinct points", "[parallel][threads]") {
  for (const auto strategy : kStrategies) {
    const auto study = hpo::optimize(space_2d(),
                                     [](const hpo::Config& c) {
                                       std::this_thread::sleep_for(1ms);
                                       return round_bowl(c);
                                     },
                                     hpo::BayesianOptimization({.seed = 3, .pending = strategy}),
                                     {.max_evaluations = 20, .progress = false, .n_jobs = 4});
    INFO("strategy " << static_cast<int>(strategy));
    REQUIRE(study.finished_count() == 20);
    REQUIRE(distinct_configs(study).size() == 20);
  }
}

TEST_CASE("a pending strategy out of range is an error naming it", "[parallel][errors]") {
  REQUIRE_THROWS_WITH(hpo::BayesianOptimization({.pending = static_cast<hpo::PendingStrategy>(9)}),
                      Contains("pending = 9"));
}
