// The parallel-trials benchmarks of issue 16 (bench/results/parallel.md):
//
//   run_parallel throughput [--function hartmann6] [--seed 0] [--jobs 1,2,4,8] [--budget 100]
//                           [--sleep-ms 50] [--pending believer] [--repeats 1]
//     Bayesian optimization on an objective that sleeps (no CPU): wall time per n_jobs, and the
//     optimizer's ask time as a share of it. One Markdown table on stdout.
//
//   run_parallel efficiency [--pending believer,liar-min,...] [--jobs 4] [--functions all]
//                           [--seeds 0-19] [--budget 100] [--sleep-ms 5,20] [--out file.csv]
//     Bayesian optimization with n_jobs on the shifted instances of bench/run_hpo, each trial
//     sleeping a duration drawn from U[lo, hi] ms by a generator seeded with (function, seed,
//     trial number) (the same draw as parallel/optuna_parallel.py). bench/run_hpo's CSV
//     (peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s), rows in the order trials
//     finish; peer "hpo-bo-j<jobs>-<pending>". With --jobs 1 the trials do not sleep and the peer
//     is "hpo-bo-seq-<pending>".
//
//   run_parallel processes [--journal /tmp/hpo_parallel.jsonl] [--processes 4]
//                          [--prefill 0,10000] [--trials 2000] [--repeats 1]
//     Processes (fork) running random search with a zero-cost objective on one journal: for each
//     prefill, the journal is first filled with that many trials by one process, then the
//     processes start together and run the next `trials` trials. Trials per second, and per trial
//     the wall time a process spends (lock, append, reading the others' records, the ask) and the
//     CPU time. One Markdown table on stdout.
#include <hpo/hpo.hpp>

#include "command_line.hpp"
#include "functions.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using hpo::bench::parse_ints;
using hpo::bench::split;

const std::map<std::string, hpo::PendingStrategy>& strategies() {
  static const std::map<std::string, hpo::PendingStrategy> all{
      {"believer", hpo::PendingStrategy::KrigingBeliever},   {"liar-min", hpo::PendingStrategy::ConstantLiarMin},
      {"liar-mean", hpo::PendingStrategy::ConstantLiarMean}, {"penalization", hpo::PendingStrategy::LocalPenalization},
      {"thompson", hpo::PendingStrategy::ThompsonSampling},  {"qlogei", hpo::PendingStrategy::QLogExpectedImprovement},
  };
  return all;
}

hpo::PendingStrategy strategy(const std::string& name) {
  const auto found = strategies().find(name);
  if (found == strategies().end()) throw std::invalid_argument("unknown pending strategy " + name);
  return found->second;
}

// The duration of trial `trial` of (function, seed) in [lo, hi] ms: splitmix64 of a key mixed from
// the three, so that the same trial sleeps the same in every run and in optuna_parallel.py.
using hpo::bench::splitmix64;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

double trial_duration_ms(std::string_view function, int seed, std::size_t trial, double lo, double hi) {
  const std::uint64_t key =
      splitmix64(splitmix64(fnv1a(function) ^ static_cast<std::uint64_t>(seed)) ^ static_cast<std::uint64_t>(trial));
  const double u = static_cast<double>(key >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * u;
}

// Wraps an optimizer to time its asks and to learn each proposal's trial number (with no journal,
// the trial a proposal starts is the study's next: its number is the number of trials at the ask).
template <class O>
class Observed {
 public:
  Observed(O& inner, std::function<void(std::size_t, const hpo::Config&)> on_ask)
      : inner_(inner), on_ask_(std::move(on_ask)) {}

  std::optional<hpo::Config> ask(const hpo::Study& study) {
    const auto start = Clock::now();
    auto config = inner_.ask(study);
    ask_seconds_ += seconds_since(start);
    ++asks_;
    if (config && on_ask_) on_ask_(study.trials().size(), *config);
    return config;
  }

  double ask_seconds() const { return ask_seconds_; }
  std::size_t asks() const { return asks_; }

 private:
  O& inner_;
  std::function<void(std::size_t, const hpo::Config&)> on_ask_;
  double ask_seconds_ = 0.0;
  std::size_t asks_ = 0;
};

// The durations of the trials started so far, by configuration (thread-safe: the objective reads
// them on worker threads).
class Durations {
 public:
  void set(const hpo::Config& config, double ms) {
    std::lock_guard lock(mutex_);
    ms_[config] = ms;
  }
  double get(const hpo::Config& config) const {
    std::lock_guard lock(mutex_);
    const auto found = ms_.find(config);
    return found == ms_.end() ? 0.0 : found->second;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<hpo::Config, double, hpo::ConfigHash> ms_;
};

hpo::SearchSpace space_of(const hpo::bench::TestFunction& function, int seed) {
  hpo::SearchSpace space;
  const auto bounds = function.shifted_bounds(seed);
  for (std::size_t j = 0; j < bounds.size(); ++j) space.add_real("x" + std::to_string(j), bounds[j].lo, bounds[j].hi);
  return space;
}

double value_at(const hpo::bench::TestFunction& function, const hpo::Config& c) {
  std::vector<double> x(function.dim);
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = c.get<double>("x" + std::to_string(j));
  return function(x);
}

using Args = std::map<std::string, std::string>;

Args parse(int argc, char** argv, Args defaults) {
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!defaults.contains(argv[i])) throw std::invalid_argument(std::string("unknown option ") + argv[i]);
    defaults[argv[i]] = argv[i + 1];
  }
  if (argc % 2 != 0) throw std::invalid_argument("options come in pairs: --name value");
  return defaults;
}

const hpo::bench::TestFunction& function_named(const std::string& name) {
  const auto* f = hpo::bench::find_function(name);
  if (!f) throw std::invalid_argument("unknown function " + name);
  return *f;
}

// --- throughput ---------------------------------------------------------------------------------

int throughput(int argc, char** argv) {
  auto args = parse(argc, argv,
                    {{"--function", "hartmann6"},
                     {"--seed", "0"},
                     {"--jobs", "1,2,4,8"},
                     {"--budget", "100"},
                     {"--sleep-ms", "50"},
                     {"--pending", "believer"},
                     {"--repeats", "1"}});
  const auto& function = function_named(args["--function"]);
  const int seed = std::stoi(args["--seed"]);
  const auto budget = static_cast<std::size_t>(std::stoul(args["--budget"]));
  const auto sleep = std::chrono::duration<double, std::milli>(std::stod(args["--sleep-ms"]));
  const hpo::SearchSpace space = space_of(function, seed);
  std::printf("| n_jobs | wall s | speed-up vs n_jobs = 1 | ask s (sum) | ask share of wall | mean ask ms | best |\n");
  std::printf("|--:|--:|--:|--:|--:|--:|--:|\n");
  double sequential = 0.0;
  std::vector<int> runs;
  for (int repeat = 0; repeat < std::stoi(args["--repeats"]); ++repeat)
    for (const int jobs : parse_ints(args["--jobs"])) runs.push_back(jobs);
  for (const int jobs : runs) {
    hpo::BayesianOptimization bo({.seed = static_cast<std::uint64_t>(seed), .pending = strategy(args["--pending"])});
    Observed<hpo::BayesianOptimization> observed(bo, {});
    const auto objective = [&](const hpo::Config& c) {
      std::this_thread::sleep_for(sleep);
      return value_at(function, c);
    };
    const auto start = Clock::now();
    const auto study = hpo::optimize(space, objective, observed,
                                     {.max_evaluations = budget, .progress = false, .n_jobs = std::size_t(jobs)});
    const double wall = seconds_since(start);
    if (jobs == 1) sequential = wall;
    std::printf("| %d | %.2f | %s | %.2f | %.0f%% | %.1f | %.4g |\n", jobs, wall,
                sequential > 0 ? (std::to_string(sequential / wall).substr(0, 4) + "x").c_str() : "—",
                observed.ask_seconds(), 100.0 * observed.ask_seconds() / wall,
                1e3 * observed.ask_seconds() / static_cast<double>(std::max<std::size_t>(1, observed.asks())),
                study.best().value);
    std::fflush(stdout);
  }
  return 0;
}

// --- sample efficiency --------------------------------------------------------------------------

int efficiency(int argc, char** argv) {
  auto args = parse(argc, argv,
                    {{"--pending", "believer"},
                     {"--jobs", "4"},
                     {"--functions", "all"},
                     {"--seeds", "0-19"},
                     {"--budget", "100"},
                     {"--sleep-ms", "5,20"},
                     {"--out", ""}});
  std::vector<const hpo::bench::TestFunction*> functions;
  if (args["--functions"] == "all") {
    for (const auto& f : hpo::bench::registry()) functions.push_back(&f);
  } else {
    for (const auto& name : split(args["--functions"])) functions.push_back(&function_named(name));
  }
  const auto jobs = static_cast<std::size_t>(std::stoul(args["--jobs"]));
  const auto budget = static_cast<std::size_t>(std::stoul(args["--budget"]));
  const auto sleep_range = split(args["--sleep-ms"]);
  if (sleep_range.size() != 2) throw std::invalid_argument("--sleep-ms takes lo,hi");
  const double lo = std::stod(sleep_range[0]), hi = std::stod(sleep_range[1]);
  std::ofstream file;
  if (!args["--out"].empty()) file.open(args["--out"]);
  std::ostream& out = args["--out"].empty() ? std::cout : file;
  out << "peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s\n";
  out.precision(17);

  for (const auto& name : split(args["--pending"])) {
    const hpo::PendingStrategy pending = strategy(name);
    const std::string peer = (jobs == 1 ? "hpo-bo-seq-" : "hpo-bo-j" + std::to_string(jobs) + "-") + name;
    for (const auto* function : functions) {
      for (const int seed : parse_ints(args["--seeds"])) {
        const hpo::SearchSpace space = space_of(*function, seed);
        Durations durations;
        hpo::BayesianOptimization bo({.seed = static_cast<std::uint64_t>(seed), .pending = pending});
        Observed<hpo::BayesianOptimization> observed(bo, [&](std::size_t trial, const hpo::Config& config) {
          durations.set(config, trial_duration_ms(function->name, seed, trial, lo, hi));
        });
        const auto objective = [&](const hpo::Config& c) {
          if (jobs > 1) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(durations.get(c)));
          return value_at(*function, c);
        };
        const auto start = Clock::now();
        double best = std::numeric_limits<double>::infinity();
        std::size_t index = 0;
        hpo::RunOptions options{.max_evaluations = budget, .progress = false, .n_jobs = jobs};
        options.callbacks.emplace_back([&](const hpo::Study&, const hpo::Trial& trial) {
          const double elapsed = seconds_since(start);
          if (trial.completed()) best = std::min(best, trial.value);
          out << peer << ',' << function->name << ',' << function->dim << ',' << seed << ',' << ++index << ','
              << trial.value << ',' << best << ',' << elapsed << '\n';
        });
        hpo::optimize(space, objective, observed, options);
        out.flush();
        std::cerr << peer << ' ' << function->name << " seed " << seed << ": best " << best << " (regret "
                  << best - function->optimum << "), " << seconds_since(start) << " s, ask " << observed.ask_seconds()
                  << " s\n";
      }
    }
  }
  return 0;
}

// --- processes on one journal -------------------------------------------------------------------

struct ProcessResult {
  double start = 0.0;  // steady clock seconds (the same clock in every process of the machine)
  double end = 0.0;
  double cpu = 0.0;  // user + system seconds of the measured trials
  std::size_t trials = 0;
};

double steady_seconds() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

hpo::SearchSpace process_space() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0).add_real("y", 0.0, 15.0).add_real("lr", 1e-5, 1e-1, hpo::Scale::Log);
  space.add_int("units", 16, 256).add_categorical("act", {"relu", "tanh", "gelu"});
  return space;
}

double zero_cost(const hpo::Config& c) { return c.get<double>("x") * c.get<double>("x") + c.get<double>("y"); }

// One process's share of the trials: what hpo::optimize does with n_jobs = 1 (ask within the
// shared budget, evaluate, tell), timed after the journal is open, so that reading the prefilled
// journal once is not counted per trial.
ProcessResult run_share(const std::string& journal, std::size_t limit, std::uint64_t seed, int ready_fd, int go_fd) {
  hpo::Study study = hpo::Study::open(journal, process_space());
  hpo::RandomSearch random({.seed = seed});
  char byte = 'r';
  if (ready_fd >= 0 && ::write(ready_fd, &byte, 1) != 1) std::_Exit(3);
  if (go_fd >= 0 && ::read(go_fd, &byte, 1) != 1) std::_Exit(4);
  ProcessResult result;
  result.start = steady_seconds();
  const double cpu = cpu_seconds();
  for (;;) {
    std::optional<hpo::Trial> trial;
    const auto status = study.ask_within(random, limit, {}, trial);
    if (status != hpo::detail::AskStatus::Started) break;
    study.tell(trial->number, zero_cost(trial->config));
    ++result.trials;
  }
  result.end = steady_seconds();
  result.cpu = cpu_seconds() - cpu;
  return result;
}

void processes_once(const std::string& journal, int count, int prefill, std::size_t trials);

int processes(int argc, char** argv) {
  auto args = parse(argc, argv,
                    {{"--journal", "/tmp/hpo_parallel_bench.jsonl"},
                     {"--processes", "4"},
                     {"--prefill", "0,10000"},
                     {"--trials", "2000"},
                     {"--repeats", "1"}});
  const std::string journal = args["--journal"];
  const int count = std::stoi(args["--processes"]);
  const auto trials = static_cast<std::size_t>(std::stoul(args["--trials"]));
  std::printf(
      "| trials in the journal before | processes | new trials | wall s | trials/s | per trial, wall ms per process "
      "| per trial, CPU ms | prefill: one process, ms per trial |\n");
  std::printf("|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  const int repeats = std::stoi(args["--repeats"]);
  for (const int prefill : parse_ints(args["--prefill"])) {
    for (int repeat = 0; repeat < repeats; ++repeat) processes_once(journal, count, prefill, trials);
  }
  std::filesystem::remove(journal);
  return 0;
}

// One row of the processes table: `count` processes run `trials` trials after `prefill`.
void processes_once(const std::string& journal, int count, int prefill, std::size_t trials) {
  {
    std::filesystem::remove(journal);
    std::filesystem::remove(journal + ".lock");
    double prefill_ms = 0.0;
    if (prefill > 0) {
      const ProcessResult filled = run_share(journal, static_cast<std::size_t>(prefill), 1000, -1, -1);
      prefill_ms = 1e3 * (filled.end - filled.start) / static_cast<double>(filled.trials);
    }
    int ready[2], go[2], results[2];
    if (::pipe(ready) != 0 || ::pipe(go) != 0 || ::pipe(results) != 0) throw std::runtime_error("pipe failed");
    std::vector<pid_t> children;
    for (int p = 0; p < count; ++p) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        int code = 0;
        try {
          const ProcessResult r = run_share(journal, static_cast<std::size_t>(prefill) + trials,
                                            static_cast<std::uint64_t>(p + 1), ready[1], go[0]);
          code = ::write(results[1], &r, sizeof r) == sizeof r ? 0 : 5;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "child %d: %s\n", p, e.what());
          code = 6;
        }
        std::_Exit(code);
      }
      children.push_back(pid);
    }
    char byte = 0;
    for (int p = 0; p < count; ++p)
      if (::read(ready[0], &byte, 1) != 1) throw std::runtime_error("a child did not start");
    for (int p = 0; p < count; ++p)
      if (::write(go[1], "g", 1) != 1) throw std::runtime_error("cannot start the children");
    std::vector<ProcessResult> all;
    for (int p = 0; p < count; ++p) {
      ProcessResult r;
      if (::read(results[0], &r, sizeof r) != sizeof r) throw std::runtime_error("a child failed");
      all.push_back(r);
    }
    for (const pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a child failed");
    }
    for (int fd : {ready[0], ready[1], go[0], go[1], results[0], results[1]}) ::close(fd);
    double start = std::numeric_limits<double>::infinity(), end = 0.0, cpu = 0.0, per_process = 0.0;
    std::size_t done = 0;
    for (const auto& r : all) {
      start = std::min(start, r.start);
      end = std::max(end, r.end);
      cpu += r.cpu;
      done += r.trials;
      per_process += (r.end - r.start) / static_cast<double>(std::max<std::size_t>(1, r.trials)) / count;
    }
    const hpo::Study check = hpo::Study::load(journal);
    if (check.trials().size() != static_cast<std::size_t>(prefill) + trials || done != trials)
      throw std::runtime_error("the journal holds " + std::to_string(check.trials().size()) + " trials");
    const double wall = end - start;
    std::printf("| %d | %d | %zu | %.2f | %.0f | %.3f | %.3f | %s |\n", prefill, count, done, wall,
                static_cast<double>(done) / wall, 1e3 * per_process, 1e3 * cpu / static_cast<double>(done),
                prefill > 0 ? std::to_string(prefill_ms).substr(0, 5).c_str() : "—");
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "throughput") return throughput(argc, argv);
    if (mode == "efficiency") return efficiency(argc, argv);
    if (mode == "processes") return processes(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "run_parallel: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: run_parallel throughput|efficiency|processes [--option value ...] (see the top of the file)\n";
  return 2;
}
