// Distributed runs: hpo::mpi::optimize on every rank of MPI_COMM_WORLD. CTest runs this program
// with `mpiexec -np 3` and `-np 1`. Every rank runs every test case in the same order, and each
// case makes its collective calls before its checks, so that a failed check on one rank never
// leaves the others waiting; main() (mpi_catch_main.cpp) fails on every rank when a check failed on any.
#include <catch2/catch.hpp>

#include <hpo/mpi.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/pruning/median_pruner.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

using Catch::Contains;
using namespace std::chrono_literals;

namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int ranks() {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

std::size_t sum_over_ranks(std::size_t mine) {
  unsigned long long in = mine, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return static_cast<std::size_t>(out);
}

std::vector<std::size_t> gather_counts(std::size_t mine) {
  unsigned long long in = mine;
  std::vector<unsigned long long> all(static_cast<std::size_t>(ranks()));
  MPI_Allgather(&in, 1, MPI_UNSIGNED_LONG_LONG, all.data(), 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
  return {all.begin(), all.end()};
}

hpo::SearchSpace mixed_space() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 5.0).add_int("n", 1, 8).add_categorical("act", {"relu", "tanh", "elu"});
  return space;
}

double bowl(const hpo::Config& c) {
  const double x = c.get<double>("x") - 1.0;
  return x * x + 0.1 * c.get<int>("n") + (c.get<std::string>("act") == "tanh" ? 0.0 : 0.5);
}

// Everything a study holds, as text: equal on two ranks when their studies are.
std::string digest(const hpo::Study& study, std::size_t first_trials = SIZE_MAX) {
  std::string text = study.space().to_json().dump() + hpo::to_string(study.direction()) + "\n";
  char number[64];
  for (const auto& t : study.trials()) {
    if (t.number >= first_trials) break;
    text += std::to_string(t.number) + " " + hpo::to_string(t.state) + " " + t.config.to_string() + " " + t.error +
            " " + t.worker;
    for (const double d : {t.value, t.started_at, t.duration}) {
      std::snprintf(number, sizeof number, " %.17g", d);
      text += number;
    }
    for (const double g : t.gradient) text += " g" + std::to_string(g);
    text += "\n";
  }
  for (const auto& record : study.records()) text += record.dump() + "\n";
  return text;
}

// True on every rank when every rank's text is the same (compared by hash).
bool same_on_every_rank(const std::string& text) {
  const unsigned long long mine = hpo::mpi::detail::fnv1a(text);
  std::vector<unsigned long long> all(static_cast<std::size_t>(ranks()));
  MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all.data(), 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
  return std::all_of(all.begin(), all.end(), [&](unsigned long long h) { return h == all[0]; });
}

bool configs_unique(const hpo::Study& study) {
  std::unordered_set<hpo::Config, hpo::ConfigHash> seen;
  for (const auto& t : study.trials())
    if (!seen.insert(t.config).second) return false;
  return true;
}

// A journal path, the same on every rank, removed beforehand (by rank 0, then a barrier).
std::string fresh_journal(const std::string& name) {
  const auto path = (std::filesystem::temp_directory_path() / ("hpo_test_mpi_" + name + ".jsonl")).string();
  if (rank() == 0) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".lock");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

// What this rank's objective evaluated.
struct Evaluated {
  std::mutex mutex;
  std::vector<hpo::Config> configs;
  void add(const hpo::Config& c) {
    std::lock_guard lock(mutex);
    configs.push_back(c);
  }
};

const hpo::RunOptions quiet{.max_evaluations = 100, .progress = false};

}  // namespace

TEST_CASE("every rank returns the same complete study: max_evaluations finished trials, unique configurations") {
  Evaluated evaluated;
  hpo::BayesianOptimization bo({.seed = 1});
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [&](const hpo::Config& c) {
                                          evaluated.add(c);
                                          std::this_thread::sleep_for(5ms);
                                          return bowl(c);
                                        },
                                        bo, {.max_evaluations = 16, .progress = false});
  const bool same = same_on_every_rank(digest(study));
  const std::size_t total = sum_over_ranks(evaluated.configs.size());

  CHECK(same);
  CHECK(total == 16);
  CHECK(study.finished_count() == 16);
  CHECK(study.trials().size() == 16);
  CHECK(study.completed_count() == 16);
  CHECK(configs_unique(study));
  // Each trial names the rank that evaluated it.
  const std::string label = ranks() > 1 ? "#rank" + std::to_string(rank()) : "";
  for (const auto& config : evaluated.configs) {
    const auto found = std::find_if(study.trials().begin(), study.trials().end(),
                                    [&](const hpo::Trial& t) { return t.config == config; });
    REQUIRE(found != study.trials().end());
    CHECK(found->worker == label);
  }
  CHECK_NOTHROW(study.best());
}

TEST_CASE("a rank that finishes gets its next trial at once, without waiting for a round") {
  // Rank 1 is 20 times faster than the others: in rounds it would do as many trials as they do.
  std::size_t mine = 0;
  hpo::RandomSearch random({.seed = 2});
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [&](const hpo::Config& c) {
                                          ++mine;
                                          std::this_thread::sleep_for(rank() == 1 ? 2ms : 40ms);
                                          return bowl(c);
                                        },
                                        random, {.max_evaluations = 30, .progress = false});
  const auto counts = gather_counts(mine);

  CHECK(study.finished_count() == 30);
  if (ranks() >= 3) {
    INFO("evaluations by rank: " << counts[0] << ", " << counts[1] << ", " << counts[2]);
    CHECK(counts[1] > 2 * counts[2]);
    CHECK(counts[1] > 2 * counts[0]);
  }
}

TEST_CASE("an objective that throws on one rank gives failed trials with its message, and the run goes on") {
  const int thrower = ranks() - 1;
  std::size_t calls = 0;
  hpo::RandomSearch random({.seed = 3});
  const auto study =
      hpo::mpi::optimize(mixed_space(),
                         [&](const hpo::Config& c) -> double {
                           ++calls;
                           // Alone, the rank throws every other time (else no trial would complete).
                           if (rank() == thrower && (ranks() > 1 || calls % 2 == 0))
                             throw std::runtime_error("rank " + std::to_string(rank()) +
                                                      " refuses x = " + std::to_string(c.get<double>("x")));
                           std::this_thread::sleep_for(2ms);
                           return bowl(c);
                         },
                         random, {.max_evaluations = 12, .progress = false});
  const bool same = same_on_every_rank(digest(study));

  CHECK(same);
  CHECK(study.finished_count() == 12);
  CHECK(study.failed_count() >= 1);
  CHECK(study.completed_count() >= 1);
  for (const auto& t : study.trials()) {
    if (!t.failed()) continue;
    CHECK_THAT(t.error, Contains("rank " + std::to_string(thrower) + " refuses x = "));
    if (ranks() > 1) CHECK(t.worker == "#rank" + std::to_string(thrower));
  }
}

namespace {
struct Hyper {
  double lr = 0.0;
  int units = 0;
  std::string act;
};
}  // namespace

TEST_CASE("an objective taking the user's struct (hpo::TypedSpace) runs on every rank") {
  hpo::TypedSpace<Hyper> space;
  space.add_real("lr", &Hyper::lr, 1e-4, 1e-1, hpo::Scale::Log)
      .add_int("units", &Hyper::units, 8, 64)
      .add_categorical("act", &Hyper::act, {"relu", "tanh"});
  std::size_t mine = 0;
  hpo::BayesianOptimization bo({.seed = 4});
  const auto study =
      hpo::mpi::optimize(space,
                         [&](const Hyper& h) {
                           ++mine;
                           return std::abs(std::log10(h.lr) + 2.0) + h.units / 64.0 + (h.act == "relu" ? 0.0 : 1.0);
                         },
                         bo, {.max_evaluations = 8, .progress = false});
  const std::size_t total = sum_over_ranks(mine);

  CHECK(total == 8);
  CHECK(study.completed_count() == 8);
  CHECK(same_on_every_rank(digest(study)));
  CHECK(space.bind(study.best().config).units >= 8);
}

TEST_CASE("a gradient travels back with its value") {
  hpo::RandomSearch random({.seed = 5});
  const auto study =
      hpo::mpi::optimize(mixed_space(),
                         [](const hpo::Config& c) {
                           const double x = c.get<double>("x");
                           return hpo::Evaluation{.value = x * x, .gradient = Eigen::VectorXd::Constant(1, 2.0 * x)};
                         },
                         random, {.max_evaluations = 6, .progress = false});
  CHECK(same_on_every_rank(digest(study)));
  for (const auto& t : study.trials()) {
    REQUIRE(t.gradient.size() == 1);
    CHECK(t.gradient[0] == 2.0 * t.config.get<double>("x"));
    CHECK(t.value == t.config.get<double>("x") * t.config.get<double>("x"));
  }
}

TEST_CASE("resume from the journal: finished trials are kept, and none is evaluated again") {
  const std::string journal = fresh_journal("resume");
  const auto objective = [](std::size_t& calls) {
    return [&calls](const hpo::Config& c) {
      ++calls;
      return bowl(c);
    };
  };
  std::size_t first_calls = 0, second_calls = 0;
  hpo::BayesianOptimization first_bo({.seed = 6});
  const auto first = hpo::mpi::optimize(mixed_space(), objective(first_calls), first_bo,
                                        {.max_evaluations = 6, .journal = journal, .progress = false});
  hpo::BayesianOptimization second_bo({.seed = 6});
  const auto second = hpo::mpi::optimize(mixed_space(), objective(second_calls), second_bo,
                                         {.max_evaluations = 10, .journal = journal, .progress = false});
  const std::size_t first_total = sum_over_ranks(first_calls), second_total = sum_over_ranks(second_calls);

  CHECK(first_total == 6);
  CHECK(second_total == 4);
  CHECK(second.finished_count() == 10);
  CHECK(digest(second, 6) == digest(first, 6));
  CHECK(configs_unique(second));
  CHECK(same_on_every_rank(digest(second)));
  CHECK(second.journal_path().empty() == (rank() != 0));  // rank 0's records into the journal
  if (rank() == 0) CHECK(digest(hpo::Study::load(journal)) == digest(second));
}

TEST_CASE("callbacks run on rank 0, and one can stop the run, and running trials still finish and are recorded") {
  std::size_t calls = 0;
  hpo::RandomSearch random({.seed = 7});
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [](const hpo::Config& c) {
                                          std::this_thread::sleep_for(10ms);
                                          return bowl(c);
                                        },
                                        random,
                                        {.max_evaluations = 40,
                                         .callbacks = {[&](const hpo::Study& s, const hpo::Trial&) {
                                           ++calls;
                                           return s.finished_count() >= 5 ? hpo::Action::Stop : hpo::Action::Continue;
                                         }},
                                         .progress = false});
  const auto counts = gather_counts(calls);

  CHECK(counts[0] == study.finished_count());
  for (std::size_t r = 1; r < counts.size(); ++r) CHECK(counts[r] == 0);
  CHECK(study.finished_count() >= 5);
  CHECK(study.finished_count() <= 5 + static_cast<std::size_t>(ranks()) - 1);
  CHECK(study.running_count() == 0);
  CHECK(same_on_every_rank(digest(study)));
}

TEST_CASE("max_seconds stops starting trials, and those running finish") {
  hpo::RandomSearch random({.seed = 8});
  const auto start = std::chrono::steady_clock::now();
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [](const hpo::Config& c) {
                                          std::this_thread::sleep_for(50ms);
                                          return bowl(c);
                                        },
                                        random, {.max_evaluations = 0, .max_seconds = 0.3, .progress = false});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(study.finished_count() >= 1);
  CHECK(study.running_count() == 0);
  CHECK(study.finished_count() <= 10 * static_cast<std::size_t>(ranks()));
  CHECK(seconds < 5.0);
  CHECK(same_on_every_rank(digest(study)));
}

TEST_CASE("n_jobs is per rank: each rank evaluates that many trials at once") {
  std::atomic<int> now{0}, most{0};
  hpo::RandomSearch random({.seed = 9});
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [&](const hpo::Config& c) {
                                          const int running = ++now;
                                          int seen = most.load();
                                          while (running > seen && !most.compare_exchange_weak(seen, running)) {
                                          }
                                          std::this_thread::sleep_for(20ms);
                                          --now;
                                          return bowl(c);
                                        },
                                        random, {.max_evaluations = 16, .progress = false, .n_jobs = 2});
  const auto peaks = gather_counts(static_cast<std::size_t>(most.load()));

  CHECK(study.finished_count() == 16);
  CHECK(configs_unique(study));
  for (const auto peak : peaks) CHECK(peak == 2);
  CHECK(same_on_every_rank(digest(study)));
  if (ranks() > 1) {
    std::set<std::string> workers;
    for (const auto& t : study.trials()) workers.insert(t.worker);
    CHECK(workers.count("#rank1.2") == 1);
  }
}

TEST_CASE("coordinator_evaluates = false: rank 0 only coordinates (alone, it evaluates all the same)") {
  std::size_t mine = 0;
  hpo::RandomSearch random({.seed = 10});
  const auto study = hpo::mpi::optimize(mixed_space(),
                                        [&](const hpo::Config& c) {
                                          ++mine;
                                          return bowl(c);
                                        },
                                        random, {.max_evaluations = 9, .progress = false}, MPI_COMM_WORLD,
                                        {.coordinator_evaluates = false});
  const auto counts = gather_counts(mine);

  CHECK(study.finished_count() == 9);
  CHECK(counts[0] == (ranks() == 1 ? 9u : 0u));
}

TEST_CASE("ranks called with different budgets or spaces: the same error on every rank, naming what differs") {
  if (ranks() < 3) return;  // needs a rank that differs from two others
  const bool odd = rank() == ranks() - 1;
  hpo::RandomSearch random({.seed = 11});
  CHECK_THROWS_WITH(
      hpo::mpi::optimize(mixed_space(), bowl, random, {.max_evaluations = odd ? 5u : 6u, .progress = false}),
      Contains("max_evaluations: 6 on ranks 0-1, 5 on rank 2"));
  hpo::SearchSpace space = mixed_space();
  if (odd) space = hpo::SearchSpace().add_real("x", -5.0, 6.0).add_int("n", 1, 8).add_categorical("act", {"relu"});
  CHECK_THROWS_AS(hpo::mpi::optimize(space, bowl, random, quiet), std::invalid_argument);
  CHECK_THROWS_WITH(hpo::mpi::optimize(space, bowl, random, {.max_evaluations = 3, .progress = rank() == 0}),
                    Contains("the search space: rank 0's vs rank 2's: parameter \"x\" differs: real [-5, 5] vs "
                             "real [-5, 6]"));
  CHECK_THROWS_WITH(
      hpo::mpi::optimize(mixed_space(), bowl, random, {.max_evaluations = 3, .journal = odd ? "b.jsonl" : "a.jsonl"}),
      Contains("journal: \"a.jsonl\" on ranks 0-1, \"b.jsonl\" on rank 2"));
  // The ranks agree again: a run goes through.
  CHECK(hpo::mpi::optimize(mixed_space(), bowl, random, {.max_evaluations = 3, .progress = false}).finished_count() ==
        3);
}

TEST_CASE("a pruner is refused on every rank, saying that MPI runs do not prune yet") {
  hpo::RandomSearch random({.seed = 13});
  auto curve = [](const hpo::Config& c, hpo::Reporter& reporter) {
    reporter.report(1, bowl(c));
    return bowl(c);
  };
  CHECK_THROWS_WITH(hpo::mpi::optimize(mixed_space(), curve, random,
                                       {.max_evaluations = 4, .progress = false, .pruner = hpo::MedianPruner{}}),
                    Contains("RunOptions::pruner is not supported over MPI"));
}

TEST_CASE("an error on rank 0 (a journal for another space) is thrown on every rank") {
  const std::string journal = fresh_journal("other_space");
  if (rank() == 0) hpo::Study::open(journal, hpo::SearchSpace().add_real("y", 0.0, 1.0));
  MPI_Barrier(MPI_COMM_WORLD);
  hpo::RandomSearch random({.seed = 12});
  CHECK_THROWS_AS(
      hpo::mpi::optimize(mixed_space(), bowl, random, {.max_evaluations = 4, .journal = journal, .progress = false}),
      std::invalid_argument);
  CHECK_THROWS_WITH(
      hpo::mpi::optimize(mixed_space(), bowl, random, {.max_evaluations = 4, .journal = journal, .progress = false}),
      Contains("was written for another search space"));
}

TEST_CASE("a callback that throws on rank 0 ends the run on every rank") {
  hpo::RandomSearch random({.seed = 13});
  const auto run = [&] {
    return hpo::mpi::optimize(mixed_space(), bowl, random,
                              {.max_evaluations = 20,
                               .callbacks = {[](const hpo::Study& s, const hpo::Trial&) {
                                 if (s.finished_count() == 3) throw std::runtime_error("callback gives up");
                               }},
                               .progress = false});
  };
  CHECK_THROWS_WITH(run(), Contains("callback gives up"));
}

TEST_CASE("no trial completed: hpo::NoTrialCompleted on every rank, with the study") {
  hpo::RandomSearch random({.seed = 14});
  std::size_t failed = 0;
  try {
    hpo::mpi::optimize(mixed_space(), [](const hpo::Config&) -> double { throw std::runtime_error("never works"); },
                       random, {.max_evaluations = 5, .progress = false});
  } catch (const hpo::NoTrialCompleted& e) {
    failed = e.study().failed_count();
    CHECK_THAT(e.what(), Contains("never works"));
  }
  CHECK(failed == 5);
}

TEST_CASE("the messages carry a configuration and an outcome exactly") {
  hpo::SearchSpace space;
  space.add_real("a", -1e300, 1e300).add_int("b", -(std::int64_t{1} << 53), std::int64_t{1} << 53);
  space.add_categorical("c", {"x", "é✓", "z"}).add_real("d", 1e-9, 1.0, hpo::Scale::Log);
  hpo::Config config;
  config.set("a", -1.0000000000000002e-300).set("b", std::int64_t{1} << 53).set("c", "é✓").set("d", 1e-9);
  const auto bytes = hpo::mpi::detail::encode_trial(41, config, space, MPI_COMM_WORLD);
  CHECK(bytes.size() <= 8 + 2 * 4 + 4 * 8 + 8);  // compact: about 8 bytes per parameter
  const hpo::Trial trial = hpo::mpi::detail::decode_trial(bytes, space, MPI_COMM_WORLD);
  CHECK(trial.number == 41);
  CHECK(trial.config == config);

  hpo::detail::EvaluationOutcome value{
      .number = 7,
      .evaluation = hpo::Evaluation{.value = std::nan(""), .gradient = Eigen::Vector2d(1.5, -0.0)},
      .error = {}};
  const auto back =
      hpo::mpi::detail::decode_outcome(hpo::mpi::detail::encode_outcome(value, MPI_COMM_WORLD), MPI_COMM_WORLD);
  CHECK(back.number == 7);
  REQUIRE(back.evaluation);
  CHECK(std::isnan(back.evaluation->value));
  CHECK(back.evaluation->gradient == value.evaluation->gradient);

  hpo::detail::EvaluationOutcome error{.number = 9, .evaluation = std::nullopt, .error = "bad\n\"ünïcode\""};
  const auto failed =
      hpo::mpi::detail::decode_outcome(hpo::mpi::detail::encode_outcome(error, MPI_COMM_WORLD), MPI_COMM_WORLD);
  CHECK(failed.number == 9);
  CHECK(!failed.evaluation);
  CHECK(failed.error == error.error);

  // A message for another space is an error that says so, not a misread configuration.
  hpo::SearchSpace other;
  other.add_real("a", -1.0, 1.0);
  CHECK_THROWS_WITH(hpo::mpi::detail::decode_trial(bytes, other, MPI_COMM_WORLD), Contains("holds 4 values for 1"));
}
