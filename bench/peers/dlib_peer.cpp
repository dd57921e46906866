// dlib peer for hpo's sample-efficiency benchmark: dlib's LIPO + trust-region global optimizer
// (dlib::global_function_search, the engine of dlib::find_min_global), peer name "dlib-lipo".
//
// The solver is driven the way dlib::find_min_global(f, lower, upper, max_function_calls(n))
// drives it (dlib/global_optimization/find_max_global.h, impl::find_max_global, dlib 19.24):
//   * bounds with lower > 0 and upper/lower >= 1000 are searched in log space (never the case
//     for these boxes, kept for fidelity);
//   * global_function_search opt({spec}, {{}}) with the default relative noise magnitude 0.001,
//     opt.set_solver_epsilon(0) (find_min_global's default solver_epsilon);
//   * objective negated (ymult = -1) because the engine maximizes;
//   * loop n times: next = opt.get_next_x(); y = -f(next.x()); next.set(y).
// Additionally opt.set_seed(s) with the instance seed s (find_min_global leaves the default seed).
//
// One difference, on purpose: find_min_global also times the objective and, when it is cheaper
// than get_next_x() (always, for these analytic functions), shrinks the Monte Carlo upper-bound
// sample count by 0.8x per call until it falls to 1 and then switches to pure random search.
// For a benchmark that stands in for expensive objectives, the default here is the
// expensive-objective regime, where that logic keeps the defaults (5000 samples, pure random
// search probability 0.02) -- i.e. it is a no-op, and the run is deterministic.  Pass
// --adaptive-mc to replay find_min_global's timing logic literally (peer "dlib-lipo-adaptive";
// not reproducible run to run, since it depends on wall-clock timings).
//
// CSV: peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s (elapsed_s = wall seconds
// since just before the solver was constructed, cumulative, taken after next.set()).
//
// Usage: dlib_peer [--functions all|a,b] [--seeds 0-19] [--budget 100] [--peers dlib-lipo]
//                  [--placement shifted|uniform|corner] [--out FILE|-] [--adaptive-mc] [--quiet]
//        dlib_peer --overhead n1,n2,... [--rounds R]
//
// --placement: the instances' boxes, as run_hpo's option of the same name (placement.hpp).
//
// --overhead times the solver's own cost per suggestion, on the protocol of bench/bo_overhead.cpp
// (for bench/overhead.sh): for each n, a fresh solver on [0,1]^6 is given n evaluations of
// Hartmann-6 at uniform random points as its initial evaluations, then max(10, n/4) rounds
// (at most R) of get_next_x() + set() are timed. Prints CSV: n,rounds,mean_ms_per_ask,median_ms_per_ask.

#include "functions.hpp"
#include "placement.hpp"

#include <dlib/global_optimization.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace hb = hpo::bench;

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr,
               "dlib_peer: %s\n"
               "usage: dlib_peer [--functions all|a,b,...] [--seeds 0-19|0,3,5] [--budget 100]\n"
               "                 [--peers dlib-lipo] [--placement shifted|uniform|corner] [--out FILE|-]\n"
               "                 [--adaptive-mc] [--quiet]\n",
               msg.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int to_int(const std::string& s) {
  std::size_t pos = 0;
  int v = 0;
  try {
    v = std::stoi(s, &pos);
  } catch (...) {
    usage_error("not an integer: " + s);
  }
  if (pos != s.size()) usage_error("not an integer: " + s);
  return v;
}

std::vector<int> parse_seeds(const std::string& text) {
  std::vector<int> seeds;
  for (const auto& part : split(text)) {
    const auto dash = part.find('-', 1);
    if (dash == std::string::npos) {
      seeds.push_back(to_int(part));
    } else {
      const int a = to_int(part.substr(0, dash));
      const int b = to_int(part.substr(dash + 1));
      for (int s = a; s <= b; ++s) seeds.push_back(s);
    }
  }
  return seeds;
}

struct Options {
  std::vector<const hb::TestFunction*> functions;
  std::vector<int> seeds;
  int budget = 100;
  std::string out = "-";
  std::string placement = "shifted";
  bool adaptive_mc = false;
  bool quiet = false;
  std::vector<int> overhead_sizes;  // non-empty: the per-ask timing mode
  int max_rounds = 0;
};

Options parse_args(int argc, char** argv) {
  Options o;
  std::string functions = "all";
  std::string seeds = "0-19";
  std::string peers = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--functions")
      functions = value();
    else if (a == "--seeds")
      seeds = value();
    else if (a == "--budget")
      o.budget = to_int(value());
    else if (a == "--peers")
      peers = value();
    else if (a == "--out")
      o.out = value();
    else if (a == "--placement")
      o.placement = value();
    else if (a == "--adaptive-mc")
      o.adaptive_mc = true;
    else if (a == "--quiet")
      o.quiet = true;
    else if (a == "--overhead")
      for (const auto& n : split(value())) o.overhead_sizes.push_back(to_int(n));
    else if (a == "--rounds")
      o.max_rounds = to_int(value());
    else if (a == "-h" || a == "--help")
      usage_error("help");
    else
      usage_error("unknown option " + std::string(a));
  }
  if (functions == "all") {
    for (const auto& f : hb::registry()) o.functions.push_back(&f);
  } else {
    for (const auto& name : split(functions)) {
      const auto* f = hb::find_function(name);
      if (!f) usage_error("unknown function " + name);
      o.functions.push_back(f);
    }
  }
  for (const auto& p : split(peers)) {
    if (p != "all" && p != "dlib-lipo") usage_error("unknown peer " + p + " (this runner has only dlib-lipo)");
  }
  o.seeds = parse_seeds(seeds);
  if (!hb::is_placement(o.placement)) usage_error("unknown placement " + o.placement + " (shifted, uniform or corner)");
  if (o.budget < 1) usage_error("--budget must be >= 1");
  return o;
}

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// One run: mirrors dlib::impl::find_max_global (ymult = -1, a single function, no thread pool).
void run_one(const hb::TestFunction& f, int seed, const Options& o, const char* peer, std::FILE* out) {
  const auto box = hb::instance_bounds(f, seed, o.placement);
  const long d = static_cast<long>(f.dim);
  dlib::matrix<double, 0, 1> lower(d), upper(d);
  for (long j = 0; j < d; ++j) {
    lower(j) = box[static_cast<std::size_t>(j)].lo;
    upper(j) = box[static_cast<std::size_t>(j)].hi;
  }
  const double ymult = -1.0;  // find_min_global

  const auto t0 = clock_type::now();
  std::vector<dlib::function_spec> specs(1, dlib::function_spec(lower, upper));
  // Log-scale detection, as in find_max_global.
  std::vector<bool> log_scale;
  for (long j = 0; j < d; ++j) {
    auto& spec = specs[0];
    if (!spec.is_integer_variable[static_cast<std::size_t>(j)] && spec.lower(j) > 0 &&
        spec.upper(j) / spec.lower(j) >= 1000) {
      log_scale.push_back(true);
      spec.lower(j) = std::log(spec.lower(j));
      spec.upper(j) = std::log(spec.upper(j));
    } else {
      log_scale.push_back(false);
    }
  }
  std::vector<std::vector<dlib::function_evaluation>> initial_function_evals(specs.size());
  dlib::global_function_search opt(specs, initial_function_evals);
  opt.set_solver_epsilon(0);  // find_min_global's default solver_epsilon
  opt.set_seed(static_cast<time_t>(seed));

  // State of find_max_global's Monte Carlo adaptation (used only with --adaptive-mc).
  dlib::running_stats_decayed<double> objective_funct_eval_time(5);  // functions.size()*5
  double max_solver_overhead_time = 0;

  double best = std::numeric_limits<double>::infinity();
  std::vector<double> x(f.dim);
  for (int i = 1; i <= o.budget; ++i) {
    const auto get_next_x_start = clock_type::now();
    dlib::function_evaluation_request next = opt.get_next_x();
    const auto get_next_x_runtime = clock_type::now() - get_next_x_start;

    const auto& nx = next.x();
    for (long j = 0; j < d; ++j) {
      x[static_cast<std::size_t>(j)] = log_scale[static_cast<std::size_t>(j)] ? std::exp(nx(j)) : nx(j);
    }
    const auto eval_start = clock_type::now();
    const double value = f(x);
    const double eval_ns = std::chrono::duration<double, std::nano>(clock_type::now() - eval_start).count();
    next.set(ymult * value);
    const double elapsed = seconds_since(t0);

    if (o.adaptive_mc) {
      objective_funct_eval_time.add(eval_ns);
      const double obj_funct_time = objective_funct_eval_time.mean();  // / max(1, 0 threads)
      const double solver_overhead_time = std::chrono::duration<double, std::nano>(get_next_x_runtime).count();
      max_solver_overhead_time = std::max(max_solver_overhead_time, solver_overhead_time);
      if (objective_funct_eval_time.current_n() > 5) {
        if (obj_funct_time < solver_overhead_time) {
          const auto new_val = static_cast<std::size_t>(std::floor(opt.get_monte_carlo_upper_bound_sample_num() * 0.8));
          opt.set_monte_carlo_upper_bound_sample_num(std::max<std::size_t>(1, new_val));
          if (opt.get_monte_carlo_upper_bound_sample_num() == 1) opt.set_pure_random_search_probability(1);
        } else if (obj_funct_time > 1.5 * max_solver_overhead_time) {
          const auto new_val = static_cast<std::size_t>(std::ceil(opt.get_monte_carlo_upper_bound_sample_num() * 1.28));
          opt.set_monte_carlo_upper_bound_sample_num(std::min<std::size_t>(5000, new_val));
          opt.set_pure_random_search_probability(0.02);
        }
      }
    }

    best = std::min(best, value);
    std::fprintf(out, "%s,%s,%zu,%d,%d,%.17g,%.17g,%.6f\n", peer, f.name.data(), f.dim, seed, i, value, best, elapsed);
  }
}

// The per-ask timing mode (--overhead): see the header comment.
void time_asks(const std::vector<int>& sizes, int max_rounds) {
  constexpr long kDim = 6;
  std::printf("n,rounds,mean_ms_per_ask,median_ms_per_ask\n");
  for (const int n : sizes) {
    dlib::matrix<double, 0, 1> lower(kDim), upper(kDim);
    lower = 0.0;
    upper = 1.0;
    std::vector<std::vector<dlib::function_evaluation>> initial(1);
    dlib::rand random(static_cast<time_t>(1000 + n));
    std::vector<double> x(kDim);
    for (int i = 0; i < n; ++i) {
      dlib::matrix<double, 0, 1> point(kDim);
      for (long j = 0; j < kDim; ++j) point(j) = x[static_cast<std::size_t>(j)] = random.get_random_double();
      initial[0].emplace_back(point, -hb::hartmann6(x));
    }
    dlib::global_function_search opt({dlib::function_spec(lower, upper)}, initial);
    opt.set_solver_epsilon(0);
    opt.set_seed(1);
    int rounds = std::max(10, n / 4);
    if (max_rounds > 0) rounds = std::min(rounds, max_rounds);
    std::vector<double> times;
    for (int r = 0; r < rounds; ++r) {
      const auto start = clock_type::now();
      dlib::function_evaluation_request next = opt.get_next_x();
      const auto& nx = next.x();
      for (long j = 0; j < kDim; ++j) x[static_cast<std::size_t>(j)] = nx(j);
      const double value = hb::hartmann6(x);  // microseconds: negligible beside the solver
      next.set(-value);
      times.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
    }
    double total = 0;
    for (const double t : times) total += t;
    std::nth_element(times.begin(), times.begin() + rounds / 2, times.end());
    std::printf("%d,%d,%.2f,%.2f\n", n, rounds, total / rounds, times[static_cast<std::size_t>(rounds / 2)]);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  if (!o.overhead_sizes.empty()) {
    time_asks(o.overhead_sizes, o.max_rounds);
    return 0;
  }
  std::FILE* out = o.out == "-" ? stdout : std::fopen(o.out.c_str(), "w");
  if (!out) {
    std::perror(o.out.c_str());
    return 1;
  }
  const char* peer = o.adaptive_mc ? "dlib-lipo-adaptive" : "dlib-lipo";
  std::fputs("peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s\n", out);
  const auto t_all = clock_type::now();
  for (const auto* f : o.functions) {
    const auto t_fn = clock_type::now();
    for (const int s : o.seeds) {
      run_one(*f, s, o, peer, out);
      std::fflush(out);
    }
    if (!o.quiet)
      std::fprintf(stderr, "[dlib_peer] %s %s: %zu seeds in %.1fs\n", peer, f->name.data(), o.seeds.size(),
                   seconds_since(t_fn));
  }
  if (!o.quiet) std::fprintf(stderr, "[dlib_peer] all done in %.1fs\n", seconds_since(t_all));
  if (out != stdout && std::fclose(out) != 0) {
    std::perror(o.out.c_str());
    return 1;
  }
  return 0;
}
