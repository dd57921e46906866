// The transfer benchmark's C++ side (see bench/transfer/README.md).
//
//   run_transfer sources  --work DIR [--families all|a,b] [--seeds 0-19] [--source-budget 50] [--force]
//       For each family and seed: writes DIR/<family>/seed<S>/task.json (the target's optimum, its
//       median over random points, the drawn task parameters) and tunes each source task with cold
//       hpo BayesianOptimization (seed 100000 + 100 S + i) for --source-budget evaluations, saved as
//       the journal DIR/<family>/seed<S>/source<i>.jsonl (kept if present, unless --force).
//   run_transfer hpo      --work DIR [--families] [--seeds] [--methods hpo-random-cold,...] [--budget 40]
//                         [--warm-parts initial,region,surrogate,basis,prior] [--initial-points K] [--out CSV]
//       Runs hpo's optimizers on the targets, cold and warm-started from the source journals
//       (hpo::WarmStart::from(sources, space) with default options; --warm-parts keeps only the named
//       parts of the transfer, for ablations), and writes one CSV row per
//       evaluation: family,seed,method,eval_index,value,best_so_far,regret,elapsed_s
//       (regret = best_so_far - the target's optimum in task.json).
//   run_transfer library-sources --work DIR [--seeds 0-19] [--source-budget 50] [--force]
//       The library of issue 19, per seed: DIR/library/seed<S>/<family>-<ii>.jsonl for ii = 01..10 of
//       each of quadratic, hartmann, digits-krr and unrelated (Styblinski-Tang): 40 journals, tuned
//       with cold BO as `sources` does (seed 200000 + 1000 S + 100 family + i); and the all-unrelated
//       library DIR/unrelated_library/seed<S>/unrelated-<ii>.jsonl, ii = 01..40. Needs the targets'
//       task.json from `sources`.
//   run_transfer library  --work DIR [--families quadratic,hartmann,digits-krr,unrelated] [--seeds]
//                         [--budget 40] [--out CSV] [--timing CSV] [--expected-related 3]
//                         [--warm-parts initial,region,surrogate,basis,prior] [--initial-points K]
//                         [--source-models DIR]
//       Per target: hpo-bo-cold; hpo-bo-library (hpo::load_studies of the seed's whole library,
//       hpo::WarmStart::from(library, space)); hpo-bo-family10 (the target family's 10 journals:
//       oracle selection), hpo-bo-family3, hpo-bo-family1. For family unrelated (the hartmann
//       target), the library is the all-unrelated one and only cold and library run. Rows as `hpo`;
//       --timing writes family,seed,method,eval_index,ask_s (the optimizer's own time per ask,
//       objective excluded) and the source-model cache's fits and hits after the run.
//       --source-models sets WarmStartOptions::source_model_directory: a second run with the same
//       folder rebuilds the source models another process fitted.
//   run_transfer tasks    --work DIR [--out CSV]
//       One CSV row per target (family,seed,fstar,fmedian,optimum_method,description) from the task.json files.
//   run_transfer evaluate --work DIR
//       A line server for peers (bench/transfer/optuna_transfer.py), so that they evaluate the very
//       same C++ objectives. One JSON request per stdin line, one JSON answer per stdout line:
//         {"op":"info","family":F,"seed":S}  -> {"space":[...],"fstar":..,"fmedian":..,"sources":[paths],
//                                                "initial_points":[configs of hpo's warm start]}
//         {"op":"info","family":F,"seed":S,"library":true} -> the same, for the seed's library (the
//                                                all-unrelated one for `unrelated`): every journal in it,
//                                                and hpo::WarmStart::from(library)'s initial points
//         {"op":"eval","family":F,"seed":S,"config":{...}} -> {"value":v}
//       Errors are answered as {"error":"..."}.
#include <hpo/hpo.hpp>

#include "../command_line.hpp"
#include "../warm_parts.hpp"
#include "families.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace tr = hpo::bench::transfer;
using json = nlohmann::json;

using hpo::bench::parse_ints;
using hpo::bench::split;

std::vector<std::shared_ptr<const tr::Family>> parse_families(const std::string& text) {
  if (text == "all") return tr::families();
  std::vector<std::shared_ptr<const tr::Family>> out;
  for (const auto& name : split(text)) {
    auto f = tr::find_family(name);
    if (!f) throw std::invalid_argument("unknown family " + name);
    out.push_back(f);
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

fs::path task_dir(const std::string& work, const std::string& family, int seed) {
  return fs::path(work) / family / ("seed" + std::to_string(seed));
}

fs::path source_path(const std::string& work, const std::string& family, int seed, int index) {
  return task_dir(work, family, seed) / ("source" + std::to_string(index) + ".jsonl");
}

json read_task_json(const std::string& work, const std::string& family, int seed) {
  const auto path = task_dir(work, family, seed) / "task.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing " + path.string() + ": run `run_transfer sources` first");
  return json::parse(in);
}

std::vector<hpo::Study> load_sources(const std::string& work, const std::string& family, int seed) {
  std::vector<hpo::Study> sources;
  for (int i = 1; i <= tr::kSources; ++i)
    sources.push_back(hpo::Study::load(source_path(work, family, seed, i).string()));
  return sources;
}

json space_to_json(const hpo::SearchSpace& space) {
  json out = json::array();
  for (const auto& p : space.parameters()) {
    json entry{{"name", p.name}, {"kind", hpo::to_string(p.kind)}};
    if (p.is_numeric()) {
      entry["low"] = p.low;
      entry["high"] = p.high;
      entry["scale"] = p.scale == hpo::Scale::Log ? "log" : "linear";
    } else {
      entry["categories"] = p.categories;
    }
    out.push_back(entry);
  }
  return out;
}

// ---- sources ------------------------------------------------------------------------------------
int run_sources(std::map<std::string, std::string>& args, bool force) {
  const std::string work = args["--work"];
  const std::size_t budget = std::stoul(args["--source-budget"]);
  for (const auto& family : parse_families(args["--families"])) {
    for (int seed : parse_ints(args["--seeds"])) {
      const auto start = std::chrono::steady_clock::now();
      const auto dir = task_dir(work, family->name(), seed);
      fs::create_directories(dir);
      const auto task_file = dir / "task.json";
      if (force || !fs::exists(task_file)) {
        const tr::Task target = family->task(seed, 0);
        const tr::Optimum optimum = family->optimum(seed);
        json task{{"family", family->name()},
                  {"seed", seed},
                  {"fstar", optimum.value},
                  {"optimum_method", optimum.method},
                  {"fmedian", tr::detail::random_median(target)},
                  {"description", target.description},
                  {"sources", json::array()}};
        for (int i = 1; i <= tr::kSources; ++i) task["sources"].push_back(family->task(seed, i).description);
        std::ofstream(task_file) << task.dump(1) << '\n';
      }
      for (int i = 1; i <= tr::kSources; ++i) {
        const auto path = source_path(work, family->name(), seed, i);
        if (!force && fs::exists(path)) continue;
        const tr::Task source = family->task(seed, i);
        hpo::BayesianOptimization bo({.seed = static_cast<std::uint64_t>(100000 + 100 * seed + i)});
        const hpo::Study study =
            hpo::optimize(source.space, source.objective, bo, {.max_evaluations = budget, .progress = false});
        study.save(path.string());
      }
      std::cerr << "sources " << family->name() << " seed " << seed << " in " << seconds_since(start) << " s\n";
    }
  }
  return 0;
}

// ---- hpo ----------------------------------------------------------------------------------------
using Runner = std::function<void(const hpo::SearchSpace&, const std::function<double(const hpo::Config&)>&,
                                  const hpo::WarmStart&, std::uint64_t, const hpo::RunOptions&)>;

struct Method {
  bool warm;
  Runner run;
};

std::map<std::string, Method> methods() {
  std::map<std::string, Method> all;
  all["hpo-random-cold"] = {false,
                            [](const auto& space, const auto& f, const auto&, std::uint64_t seed, const auto& options) {
                              hpo::optimize(space, f, hpo::RandomSearch({.seed = seed}), options);
                            }};
  all["hpo-random-warm"] = {
      true, [](const auto& space, const auto& f, const auto& warm, std::uint64_t seed, const auto& options) {
        hpo::optimize(space, f, hpo::RandomSearch({.seed = seed, .warm_start = warm}), options);
      }};
  all["hpo-bo-cold"] = {false,
                        [](const auto& space, const auto& f, const auto&, std::uint64_t seed, const auto& options) {
                          hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed}), options);
                        }};
  all["hpo-bo-warm"] = {
      true, [](const auto& space, const auto& f, const auto& warm, std::uint64_t seed, const auto& options) {
        hpo::optimize(space, f, hpo::BayesianOptimization({.seed = seed, .warm_start = warm}), options);
      }};
  return all;
}

// Ablations: which parts of the warm start the warm methods use (--warm-parts; default all) and
// how many transferred initial points they evaluate first (--initial-points; default the option's).
hpo::WarmStartOptions ablation_options(std::map<std::string, std::string>& args) {
  return hpo::bench::ablation_options(args["--warm-parts"], args["--initial-points"]);
}

int run_hpo(std::map<std::string, std::string>& args) {
  const std::string work = args["--work"];
  const std::size_t budget = std::stoul(args["--budget"]);
  const auto all = methods();
  const auto chosen = split(args["--methods"]);
  const hpo::WarmStartOptions warm_options = ablation_options(args);
  for (const auto& m : chosen)
    if (!all.contains(m)) throw std::invalid_argument("unknown method " + m);
  std::ofstream file;
  if (!args["--out"].empty()) file.open(args["--out"]);
  std::ostream& out = args["--out"].empty() ? std::cout : file;
  out << "family,seed,method,eval_index,value,best_so_far,regret,elapsed_s\n";
  out.precision(17);
  for (const auto& family : parse_families(args["--families"])) {
    for (int seed : parse_ints(args["--seeds"])) {
      const double fstar = read_task_json(work, family->name(), seed).at("fstar").get<double>();
      const tr::Task target = family->task(seed, 0);
      for (const auto& name : chosen) {
        const Method& method = all.at(name);
        const auto start = std::chrono::steady_clock::now();
        hpo::WarmStart warm;
        if (method.warm)
          warm = hpo::WarmStart::from(load_sources(work, family->name(), seed), target.space, warm_options);
        double best = std::numeric_limits<double>::infinity();
        std::size_t index = 0;
        hpo::RunOptions options{.max_evaluations = budget, .progress = false};
        options.callbacks.emplace_back([&](const hpo::Study&, const hpo::Trial& trial) {
          if (trial.completed()) best = std::min(best, trial.value);
          out << family->name() << ',' << seed << ',' << name << ',' << ++index << ',' << trial.value << ',' << best
              << ',' << best - fstar << ',' << seconds_since(start) << '\n';
        });
        method.run(target.space, target.objective, warm, static_cast<std::uint64_t>(seed), options);
        out.flush();
        std::cerr << name << ' ' << family->name() << " seed " << seed << ": regret " << best - fstar << " in "
                  << seconds_since(start) << " s\n";
      }
    }
  }
  return 0;
}


// ---- library (issue 19) -------------------------------------------------------------------------
const std::vector<std::string> kLibraryFamilies = {"quadratic", "hartmann", "digits-krr", "unrelated"};
constexpr int kLibraryPerFamily = 10;
constexpr int kUnrelatedLibrary = 40;

std::string two_digits(int i) { return (i < 10 ? "0" : "") + std::to_string(i); }

fs::path library_dir(const std::string& work, int seed) {
  return fs::path(work) / "library" / ("seed" + std::to_string(seed));
}
fs::path unrelated_library_dir(const std::string& work, int seed) {
  return fs::path(work) / "unrelated_library" / ("seed" + std::to_string(seed));
}

int run_library_sources(std::map<std::string, std::string>& args, bool force) {
  const std::string work = args["--work"];
  const std::size_t budget = std::stoul(args["--source-budget"]);
  const auto tune = [&](const std::string& family_name, std::size_t family_index, int seed, int i,
                        const fs::path& path) {
    if (!force && fs::exists(path)) return;
    const tr::Task source = tr::find_family(family_name)->task(seed, i);
    hpo::BayesianOptimization bo(
        {.seed = static_cast<std::uint64_t>(200000 + 1000 * seed + 100 * static_cast<int>(family_index) + i)});
    hpo::optimize(source.space, source.objective, bo, {.max_evaluations = budget, .progress = false})
        .save(path.string());
  };
  for (int seed : parse_ints(args["--seeds"])) {
    const auto start = std::chrono::steady_clock::now();
    fs::create_directories(library_dir(work, seed));
    fs::create_directories(unrelated_library_dir(work, seed));
    for (std::size_t f = 0; f < kLibraryFamilies.size(); ++f)
      for (int i = 1; i <= kLibraryPerFamily; ++i)
        tune(kLibraryFamilies[f], f, seed, i,
             library_dir(work, seed) / (kLibraryFamilies[f] + "-" + two_digits(i) + ".jsonl"));
    for (int i = 1; i <= kUnrelatedLibrary; ++i) {
      const auto path = unrelated_library_dir(work, seed) / ("unrelated-" + two_digits(i) + ".jsonl");
      const auto shared = library_dir(work, seed) / ("unrelated-" + two_digits(i) + ".jsonl");
      if (i <= kLibraryPerFamily && (force || !fs::exists(path)))
        fs::copy_file(shared, path, fs::copy_options::overwrite_existing);  // the same task and seed
      else
        tune("unrelated", 3, seed, i, path);
    }
    std::cerr << "library seed " << seed << " in " << seconds_since(start) << " s\n";
  }
  return 0;
}

// The optimizer's own time per ask: BayesianOptimization wrapped so that only ask() is timed.
struct TimedBayesianOptimization {
  hpo::BayesianOptimization inner;
  std::vector<double>* seconds;
  std::optional<hpo::Config> ask(const hpo::Study& study) {
    const auto start = std::chrono::steady_clock::now();
    auto config = inner.ask(study);
    seconds->push_back(seconds_since(start));
    return config;
  }
};

int run_library(std::map<std::string, std::string>& args) {
  const std::string work = args["--work"];
  const std::size_t budget = std::stoul(args["--budget"]);
  // For ablations: the parts and initial points (ablation_options), read before any output.
  hpo::WarmStartOptions library_options = ablation_options(args);
  std::ofstream file, timing;
  if (!args["--out"].empty()) file.open(args["--out"]);
  if (!args["--timing"].empty()) timing.open(args["--timing"]);
  std::ostream& out = args["--out"].empty() ? std::cout : file;
  out << "family,seed,method,eval_index,value,best_so_far,regret,elapsed_s\n";
  out.precision(17);
  if (timing) timing << "family,seed,method,eval_index,ask_s,sources,cache_fits,cache_hits\n";
  const std::string families = args["--families"] == "all" ? "quadratic,hartmann,digits-krr,unrelated" : args["--families"];
  auto& cache = hpo::transfer::SourceModelCache::instance();
  // For ablations: the multiplicity correction (WarmStartOptions::expected_related_sources).
  if (!args["--expected-related"].empty()) library_options.expected_related_sources = std::stod(args["--expected-related"]);
  library_options.source_model_directory = args["--source-models"];
  for (const auto& family_name : split(families)) {
    const auto family = tr::find_family(family_name);
    if (!family) throw std::invalid_argument("unknown family " + family_name);
    for (int seed : parse_ints(args["--seeds"])) {
      const double fstar = read_task_json(work, family_name, seed).at("fstar").get<double>();
      const tr::Task target = family->task(seed, 0);
      // Arms: name -> journals (empty: cold). The library arm runs first after cold, so that its
      // first ask pays for fitting every source model (the cache is then warm for the others).
      std::vector<std::pair<std::string, std::vector<hpo::Study>>> arms;
      arms.emplace_back("hpo-bo-cold", std::vector<hpo::Study>{});
      if (family_name == "unrelated") {
        arms.emplace_back("hpo-bo-library", hpo::load_studies(unrelated_library_dir(work, seed).string()));
      } else {
        arms.emplace_back("hpo-bo-library", hpo::load_studies(library_dir(work, seed).string()));
        for (int count : {10, 3, 1}) {
          std::vector<hpo::Study> chosen;
          for (int i = 1; i <= count; ++i)
            chosen.push_back(hpo::Study::load(
                (library_dir(work, seed) / (family_name + "-" + two_digits(i) + ".jsonl")).string()));
          arms.emplace_back("hpo-bo-family" + std::to_string(count), std::move(chosen));
        }
      }
      for (const auto& [name, journals] : arms) {
        const auto start = std::chrono::steady_clock::now();
        hpo::WarmStart warm;
        if (!journals.empty()) warm = hpo::WarmStart::from(journals, target.space, library_options);
        const double setup = seconds_since(start);
        double best = std::numeric_limits<double>::infinity();
        std::size_t index = 0;
        hpo::RunOptions options{.max_evaluations = budget, .progress = false};
        options.callbacks.emplace_back([&](const hpo::Study&, const hpo::Trial& trial) {
          if (trial.completed()) best = std::min(best, trial.value);
          out << family_name << ',' << seed << ',' << name << ',' << ++index << ',' << trial.value << ',' << best
              << ',' << best - fstar << ',' << seconds_since(start) << '\n';
        });
        std::vector<double> ask_seconds;
        TimedBayesianOptimization bo{
            hpo::BayesianOptimization({.seed = static_cast<std::uint64_t>(seed), .warm_start = warm}), &ask_seconds};
        hpo::optimize(target.space, target.objective, bo, options);
        out.flush();
        if (timing) {
          for (std::size_t k = 0; k < ask_seconds.size(); ++k)
            timing << family_name << ',' << seed << ',' << name << ',' << k + 1 << ','
                   << ask_seconds[k] + (k == 0 ? setup : 0.0) << ',' << warm.sources().size() << ',' << cache.fits()
                   << ',' << cache.hits() << '\n';
          timing.flush();
        }
        std::cerr << name << ' ' << family_name << " seed " << seed << ": " << warm.sources().size() << " sources, "
                  << warm.left_out().size() << " left out, regret " << best - fstar << " in " << seconds_since(start)
                  << " s\n";
      }
    }
  }
  return 0;
}

// ---- tasks --------------------------------------------------------------------------------------
int run_tasks(std::map<std::string, std::string>& args) {
  std::ofstream file;
  if (!args["--out"].empty()) file.open(args["--out"]);
  std::ostream& out = args["--out"].empty() ? std::cout : file;
  out << "family,seed,fstar,fmedian,optimum_method,description\n";
  out.precision(17);
  for (const auto& family : tr::families()) {
    const auto dir = fs::path(args["--work"]) / family->name();
    if (!fs::exists(dir)) continue;
    std::vector<int> seeds;
    for (const auto& entry : fs::directory_iterator(dir))
      if (fs::exists(entry.path() / "task.json"))
        seeds.push_back(std::stoi(entry.path().filename().string().substr(4)));
    std::sort(seeds.begin(), seeds.end());
    for (int seed : seeds) {
      const json t = read_task_json(args["--work"], family->name(), seed);
      out << family->name() << ',' << seed << ',' << t.at("fstar").get<double>() << ',' << t.at("fmedian").get<double>()
          << ",\"" << t.at("optimum_method").get<std::string>() << "\",\"" << t.at("description").get<std::string>()
          << "\"\n";
    }
  }
  return 0;
}

// ---- evaluate -----------------------------------------------------------------------------------
int run_evaluate(std::map<std::string, std::string>& args) {
  const std::string work = args["--work"];
  std::map<std::pair<std::string, int>, tr::Task> targets;
  const auto target = [&](const json& request) -> const tr::Task& {
    const auto family = request.at("family").get<std::string>();
    const int seed = request.at("seed").get<int>();
    const auto key = std::make_pair(family, seed);
    auto it = targets.find(key);
    if (it == targets.end()) {
      const auto f = tr::find_family(family);
      if (!f) throw std::invalid_argument("unknown family " + family);
      it = targets.emplace(key, f->task(seed, 0)).first;
    }
    return it->second;
  };
  std::cout.precision(17);
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    json answer;
    try {
      const json request = json::parse(line);
      const auto op = request.at("op").get<std::string>();
      const tr::Task& task = target(request);
      if (op == "info") {
        const json t = read_task_json(work, task.family, task.seed);
        answer["space"] = space_to_json(task.space);
        answer["fstar"] = t.at("fstar");
        answer["fmedian"] = t.at("fmedian");
        answer["sources"] = json::array();
        hpo::WarmStart warm;
        if (request.value("library", false)) {
          // The seed's whole library (the all-unrelated one for family `unrelated`), as the
          // library benchmark's hpo-bo-library arm reads it.
          const fs::path folder =
              task.family == "unrelated" ? unrelated_library_dir(work, task.seed) : library_dir(work, task.seed);
          const std::vector<hpo::Study> library = hpo::load_studies(folder.string());
          for (const auto& study : library) answer["sources"].push_back(study.origin());  // the journal's path
          warm = hpo::WarmStart::from(library, task.space, hpo::WarmStartOptions{});
        } else {
          for (int i = 1; i <= tr::kSources; ++i)
            answer["sources"].push_back(source_path(work, task.family, task.seed, i).string());
          warm = hpo::WarmStart::from(load_sources(work, task.family, task.seed), task.space, hpo::WarmStartOptions{});
        }
        answer["initial_points"] = json::array();
        for (const auto& c : warm.initial_points()) answer["initial_points"].push_back(hpo::detail::config_to_json(c));
      } else if (op == "eval") {
        answer["value"] = task.objective(hpo::detail::config_from_json(request.at("config"), task.space));
      } else {
        throw std::invalid_argument("unknown op " + op);
      }
    } catch (const std::exception& e) {
      answer = json{{"error", e.what()}};
    }
    std::cout << answer.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "usage: run_transfer sources|hpo|library-sources|library|tasks|evaluate --work DIR [--families all|a,b] [--seeds 0-19] "
      "[--source-budget 50] [--budget 40] [--methods m1,m2] [--warm-parts initial,region,surrogate,basis,prior] "
      "[--initial-points K] [--out CSV] [--data DIR] [--force]\n";
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  const std::string mode = argv[1];
  std::map<std::string, std::string> args{{"--work", "bench/results/raw/transfer_work"},
                                          {"--families", "all"},
                                          {"--seeds", "0-19"},
                                          {"--source-budget", "50"},
                                          {"--budget", "40"},
                                          {"--methods", "hpo-random-cold,hpo-random-warm,hpo-bo-cold,hpo-bo-warm"},
                                          {"--warm-parts", ""},
                                          {"--out", ""},
                                          {"--timing", ""},
                                          {"--expected-related", ""},
                                          {"--source-models", ""},
                                          {"--initial-points", ""},
                                          {"--data", ""}};
  bool force = false;
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key == "--force") {
      force = true;
      continue;
    }
    if (!args.contains(key) || i + 1 >= argc) {
      std::cerr << "unknown option or missing value: " << key << "\n" << usage;
      return 2;
    }
    args[key] = argv[++i];
  }
  if (!args["--data"].empty()) tr::detail::data_directory() = args["--data"];
  try {
    if (mode == "sources") return run_sources(args, force);
    if (mode == "hpo") return run_hpo(args);
    if (mode == "tasks") return run_tasks(args);
    if (mode == "library-sources") return run_library_sources(args, force);
    if (mode == "library") return run_library(args);
    if (mode == "evaluate") return run_evaluate(args);
  } catch (const std::exception& e) {
    std::cerr << "run_transfer: " << e.what() << "\n";
    return 1;
  }
  std::cerr << usage;
  return 2;
}
