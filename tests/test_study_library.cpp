// A library of past studies: load_studies, selection of what is related, the source-model cache.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/transfer/source_agreement.hpp>
#include <hpo/transfer/source_model_cache.hpp>
#include <hpo/transfer/source_model_store.hpp>
#include <hpo/transfer/study_library.hpp>
#include <hpo/transfer/warm_start.hpp>

#include "support/fixtures.hpp"
#include "support/temp_files.hpp"

using Catch::Contains;
namespace fs = std::filesystem;

namespace {

double target_function(const hpo::Config& c) {
  const double x = c.get<double>("x"), y = c.get<double>("y");
  return (x - 0.3) * (x - 0.3) + 2.0 * (y - 0.7) * (y - 0.7) + 0.1 * std::sin(9.0 * x);
}

// A study of `sign` * target_function (optionally scaled and shifted: the same shape) at 30 random
// points of its own seed.
hpo::Study study_of(double sign, std::uint64_t seed, double scale = 1.0, double shift = 0.0) {
  hpo::Study study(hpo_test::unit_square());
  hpo::RandomSearch random({.seed = seed});
  for (int i = 0; i < 30; ++i) {
    auto trial = *study.ask(random);
    study.tell(trial.number, sign * (scale * target_function(trial.config) + shift));
  }
  return study;
}

std::string fresh_folder(const std::string& name) {
  const auto path = fs::temp_directory_path() / ("hpo_test_study_library_" + name);
  fs::remove_all(path);
  fs::create_directories(path);
  return path.string();
}
}  // namespace

TEST_CASE("load_studies reads every journal of a folder sorted by name", "[library]") {
  const auto folder = fresh_folder("sorted");
  study_of(1.0, 1).save(folder + "/b.jsonl");
  study_of(-1.0, 2).save(folder + "/a.jsonl");
  std::ofstream(folder + "/notes.txt") << "not a journal\n";
  fs::create_directories(folder + "/nested.jsonl");  // a folder, not a journal
  const auto library = hpo::load_studies(folder);
  REQUIRE(library.size() == 2);
  REQUIRE(fs::path(library[0].origin()).filename() == "a.jsonl");
  REQUIRE(fs::path(library[1].origin()).filename() == "b.jsonl");
  REQUIRE(library[0].completed_count() == 30);
}

TEST_CASE("load_studies reads a journal being written as it stands", "[library]") {
  const auto folder = fresh_folder("running");
  study_of(1.0, 3).save(folder + "/running.jsonl");
  {
    // A running study: a trial line cut off mid-write, no newline at the end.
    std::ofstream append(folder + "/running.jsonl", std::ios::app);
    append << R"({"type":"trial","number":30,"config":{"x":0.)";
  }
  const auto library = hpo::load_studies(folder);
  REQUIRE(library.size() == 1);
  REQUIRE(library[0].completed_count() == 30);
}

TEST_CASE("load_studies: bad folders and bad journals are errors naming them", "[library]") {
  const auto missing = (fs::temp_directory_path() / "hpo_test_study_library_missing").string();
  fs::remove_all(missing);
  REQUIRE_THROWS_WITH(hpo::load_studies(missing), Contains(missing) && Contains("does not exist"));
  const auto empty = fresh_folder("empty");
  std::ofstream(empty + "/readme.txt") << "no journals here\n";
  REQUIRE_THROWS_WITH(hpo::load_studies(empty), Contains(empty) && Contains("no study journal"));
  const auto file = hpo_test::temp_path("study_library", "a_file");
  std::ofstream(file) << "x\n";
  REQUIRE_THROWS_WITH(hpo::load_studies(file), Contains(file) && Contains("not a folder"));
  const auto broken = fresh_folder("broken");
  study_of(1.0, 4).save(broken + "/good.jsonl");
  std::ofstream(broken + "/bad.jsonl") << "this is not json\n{}\n";
  REQUIRE_THROWS_WITH(hpo::load_studies(broken), Contains(broken) && Contains("bad.jsonl"));
}

TEST_CASE("a library with incompatible spaces: the unmatched sources are left out and recorded", "[library]") {
  hpo::SearchSpace other;
  other.add_real("momentum", 0.0, 1.0);
  hpo::Study no_shared(other);
  no_shared.tell(no_shared.ask(hpo::Config().set("momentum", 0.5)).number, 1.0);
  hpo::SearchSpace kinds;
  kinds.add_int("x", 0, 8);
  hpo::Study mismatched(kinds);
  mismatched.tell(mismatched.ask(hpo::Config().set("x", std::int64_t{3})).number, 1.0);

  const auto warm = hpo::WarmStart::from({no_shared, study_of(1.0, 5), mismatched}, hpo_test::unit_square());
  REQUIRE(warm.sources().size() == 1);
  REQUIRE(warm.sources()[0].origin == "source #1");
  REQUIRE(warm.left_out().size() == 2);
  REQUIRE(warm.left_out()[0].origin == "source #0");
  REQUIRE_THAT(warm.left_out()[0].reason, Contains("shares no parameter"));
  REQUIRE(warm.left_out()[1].origin == "source #2");
  REQUIRE_THAT(warm.left_out()[1].reason, Contains("\"x\"") && Contains("integer"));
  const auto& record = warm.describe();
  REQUIRE(record.at("left_out").size() == 2);
  REQUIRE(record.at("left_out")[1].at("origin") == "source #2");

  // Nothing matches: an error with every reason.
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({no_shared, mismatched}, hpo_test::unit_square()),
                      Contains("no source study matches") && Contains("shares no parameter") && Contains("integer"));
}

TEST_CASE("source agreement links copies, not their negations", "[library]") {
  std::vector<hpo::Study> library;
  for (std::uint64_t s = 0; s < 4; ++s) library.push_back(study_of(1.0, 10 + s, 1.0 + static_cast<double>(s), 3.0));
  for (std::uint64_t s = 0; s < 4; ++s) library.push_back(study_of(-1.0, 20 + s));
  const auto warm = hpo::WarmStart::from(library, hpo_test::unit_square(), {.initial_points = 4});
  for (std::size_t i = 0; i < 8; ++i) {
    INFO(i);
    REQUIRE(warm.sources()[i].support == 3);  // agrees with its three kin, with none of the others
    REQUIRE(warm.sources()[i].cluster == (i < 4 ? 0U : 1U));
  }
  // Initial points alternate between the two clusters: each family of the library gets a turn.
  const auto& first = warm.initial_points();
  REQUIRE(first.size() == 4);
  REQUIRE(first[0] == warm.sources()[0].configs[0]);
  REQUIRE(first[1] == warm.sources()[4].configs[0]);

  // Deterministic.
  const auto again = hpo::WarmStart::from(library, hpo_test::unit_square(), {.initial_points = 4});
  REQUIRE(again.describe() == warm.describe());
}

TEST_CASE("after one probe per cluster, the initial points go to the cluster whose probe did best", "[library]") {
  std::vector<hpo::Study> library;
  for (std::uint64_t s = 0; s < 4; ++s) library.push_back(study_of(1.0, 10 + s, 1.0 + static_cast<double>(s), 3.0));
  for (std::uint64_t s = 0; s < 4; ++s) library.push_back(study_of(-1.0, 20 + s));
  const auto warm = hpo::WarmStart::from(library, hpo_test::unit_square(), {.initial_points = 4});
  REQUIRE(warm.initial_probes() == 2);  // one per cluster, at most half of the points
  REQUIRE(warm.describe().at("initial_probes") == 2);
  const auto best_of = [&](std::size_t source) { return warm.sources()[source].configs.front(); };
  // Asked one at a time: the probes (the two clusters' first), then the winner's other sources.
  const auto initial = [&](double sign) {
    hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm});
    hpo::Study study(hpo_test::unit_square());
    for (int i = 0; i < 4; ++i) {
      const auto trial = *study.ask(bo);
      study.tell(trial.number, sign * target_function(trial.config));
    }
    std::vector<hpo::Config> configs;
    for (const auto& trial : study.trials()) configs.push_back(trial.config);
    return configs;
  };
  const auto like_copies = initial(1.0), like_negations = initial(-1.0);
  const auto sources_of = [&](const std::vector<hpo::Config>& configs) {
    std::string which;
    for (const auto& config : configs) {
      int index = -1;
      for (std::size_t source = 0; source < warm.sources().size(); ++source)
        if (config == best_of(source)) index = static_cast<int>(source);
      which += std::to_string(index) + " ";
    }
    return which;
  };
  INFO("sources of the initial points: " << sources_of(warm.initial_points()) << "; like the copies: "
                                         << sources_of(like_copies) << "; like the negations: "
                                         << sources_of(like_negations));
  CHECK(like_copies == std::vector<hpo::Config>{best_of(0), best_of(4), best_of(1), best_of(2)});
  // Like the negations: the third is source 5's best; the sources' maxima crowd a corner, so
  // sources 6 and 7 are within min_distance of it, and the fourth is the plan's next.
  CHECK(like_negations == std::vector<hpo::Config>{best_of(0), best_of(4), best_of(5), best_of(1)});
  const auto apart = [&](std::size_t a, std::size_t b) {
    const auto& space = hpo_test::unit_square();
    return (space.to_unit(best_of(a)) - space.to_unit(best_of(b))).norm();
  };
  for (const std::size_t crowded : {6, 7}) CHECK(std::min(apart(crowded, 4), apart(crowded, 5)) < 0.05);

  // While a probe runs (parallel workers), the planned points come next; at most 4 in all.
  hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm});
  hpo::Study study(hpo_test::unit_square());
  std::vector<hpo::Trial> running;
  for (int i = 0; i < 3; ++i) running.push_back(*study.ask(bo));
  REQUIRE(running[2].config == best_of(1));
  for (const auto& trial : running) study.tell(trial.number, -target_function(trial.config));
  REQUIRE(study.ask(bo)->config == best_of(5));
  const auto model_based = *study.ask(bo);
  for (std::size_t source = 0; source < warm.sources().size(); ++source)
    CHECK_FALSE(model_based.config == best_of(source));
}

TEST_CASE("from a library, Bayesian optimization uses the copies of the target and not the negated ones", "[library]") {
  std::vector<hpo::Study> library;
  for (std::uint64_t s = 0; s < 3; ++s) library.push_back(study_of(-1.0, 30 + s));
  for (std::uint64_t s = 0; s < 3; ++s) library.push_back(study_of(1.0, 40 + s, 2.0, -1.0));
  hpo::SearchSpace unrelated_space;
  unrelated_space.add_real("lr", 1e-4, 1.0, hpo::Scale::Log);
  hpo::Study unrelated(unrelated_space);
  unrelated.tell(unrelated.ask(hpo::Config().set("lr", 0.01)).number, 0.5);
  library.push_back(unrelated);
  const auto warm = hpo::WarmStart::from(library, hpo_test::unit_square());
  REQUIRE(warm.sources().size() == 6);
  REQUIRE(warm.left_out().size() == 1);

  const auto run = [&] {
    hpo::BayesianOptimization bo({.seed = 3, .warm_start = warm});
    return hpo::optimize(hpo_test::unit_square(), target_function, bo, {.max_evaluations = 15, .progress = false});
  };
  const auto study = run();
  const auto record = study.warm_start_record();
  REQUIRE(record);
  INFO(record->dump());
  double copies = 0.0;
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& source = record->at("sources")[i];
    if (i < 3) {
      REQUIRE(source.at("weight").get<double>() == 0.0);
      REQUIRE(source.at("orders_target") == false);
      REQUIRE(source.at("in_regression") == false);
    } else {
      REQUIRE(source.at("orders_target") == true);
      copies += source.at("weight").get<double>();
    }
  }
  // Measured with seeds 0-11: 0.36 to 0.46; the target's own model, whose length-scale prior the
  // six sources set, holds the rest.
  REQUIRE(copies > 0.3);
  REQUIRE(record->at("left_out").size() == 1);

  // Deterministic: the same library and seed give the same trials.
  const auto again = run();
  REQUIRE(again.trials().size() == study.trials().size());
  for (std::size_t i = 0; i < study.trials().size(); ++i) REQUIRE(again.trials()[i].config == study.trials()[i].config);
}

TEST_CASE("source models are fitted once per journal and refitted when the journal changes", "[library]") {
  const auto folder = fresh_folder("cache");
  study_of(1.0, 50).save(folder + "/one.jsonl");
  study_of(1.0, 51, 3.0).save(folder + "/two.jsonl");
  auto& cache = hpo::transfer::SourceModelCache::instance();
  cache.clear();
  const auto run = [&](std::uint64_t seed) {
    const auto warm = hpo::WarmStart::from(hpo::load_studies(folder), hpo_test::unit_square(), {.initial_points = 1});
    hpo::BayesianOptimization bo({.seed = seed, .warm_start = warm});
    return hpo::optimize(hpo_test::unit_square(), target_function, bo, {.max_evaluations = 8, .progress = false});
  };
  const auto first = run(1);
  REQUIRE(cache.fits() == 2);
  const auto hits = cache.hits();
  run(2);  // another optimizer, another seed: the same models
  REQUIRE(cache.fits() == 2);
  REQUIRE(cache.hits() >= hits + 2);

  // One journal gains a trial: its model is fitted afresh, the other's is reused.
  {
    auto grown = hpo::Study::load(folder + "/two.jsonl");
    grown.tell(grown.ask(hpo::Config().set("x", 0.3).set("y", 0.7)).number, -5.0);
    grown.save(folder + "/two.jsonl");
  }
  run(1);
  REQUIRE(cache.fits() == 3);
  // The same journal and seed as the first run give the same trials, whether fitted or cached.
  cache.clear();
  study_of(1.0, 51, 3.0).save(folder + "/two.jsonl");
  const auto refitted = run(1);
  REQUIRE(refitted.trials().size() == first.trials().size());
  for (std::size_t i = 0; i < first.trials().size(); ++i)
    REQUIRE(refitted.trials()[i].config == first.trials()[i].config);
}

TEST_CASE("a large source's model is searched on a subset, then refined on all its trials", "[library]") {
  // More trials than the restarted search uses (TransferSurrogate::kSourceSearchRows).
  hpo::Study source(hpo_test::unit_square());
  hpo::RandomSearch random({.seed = 11});
  for (int i = 0; i < 150; ++i) {
    auto trial = *source.ask(random);
    source.tell(trial.number, target_function(trial.config));
  }
  auto& cache = hpo::transfer::SourceModelCache::instance();
  cache.clear();
  const auto warm = hpo::WarmStart::from({source}, hpo_test::unit_square(), {.initial_points = 1});
  hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm});
  hpo::optimize(hpo_test::unit_square(), target_function, bo, {.max_evaluations = 8, .progress = false});
  REQUIRE(cache.fits() == 1);
  const auto model =
      cache.find({warm.sources().front().fingerprint, static_cast<int>(hpo::KernelType::Matern52), true});
  REQUIRE(model);
  REQUIRE(model->observation_count() == 150);

  // The hyperparameters are a maximum of the posterior on all 150 trials, not on the subset: the
  // gradient there is flat in the length scales and the signal variance (this noiseless function's
  // noise variance sits at its lower bound, where the posterior still rises towards less noise).
  Eigen::VectorXd gradient;
  const double at_model = model->log_posterior(model->log_hyperparameters(), gradient);
  INFO("gradient " << gradient.transpose());
  REQUIRE(gradient.head(3).norm() < 0.1);  // 0.0024 measured; 59 with the subset's hyperparameters
  REQUIRE(model->noise_variance() == Approx(model->options().noise_floor));
  // And as high a maximum as the restarted search on every trial finds.
  hpo::gp::SelectedGaussianProcess every_trial({.seed = 5}, hpo::gp::SelectedKernel(0, hpo::KernelType::Matern52));
  every_trial.fit(model->inputs(), model->outputs(), 3);
  Eigen::VectorXd unused;
  const double at_every_trial = model->log_posterior(every_trial.log_hyperparameters(), unused);
  INFO("log posterior " << at_model << " against " << at_every_trial);
  REQUIRE(at_model >= at_every_trial - 0.5);
}

TEST_CASE("a source model store gives back exactly the hyperparameters it was given", "[library]") {
  const auto folder = fresh_folder("store");
  const hpo::transfer::SourceModelStore store(folder + "/models");
  Eigen::VectorXd theta(4);
  theta << std::log(0.3), -1.0 / 3.0, std::nextafter(0.1, 1.0), std::log(1e-6);
  REQUIRE(!store.load(42, 0, true, 4));  // nothing stored yet
  REQUIRE(store.save(42, 0, true, theta).empty());
  const auto loaded = store.load(42, 0, true, 4);
  REQUIRE(loaded);
  for (Eigen::Index i = 0; i < 4; ++i) REQUIRE(loaded->coeff(i) == theta[i]);  // bit for bit
  REQUIRE(!store.load(42, 1, true, 4));   // another kernel
  REQUIRE(!store.load(42, 0, false, 4));  // another output transform
  REQUIRE(!store.load(43, 0, true, 4));   // another source
  REQUIRE(!store.load(42, 0, true, 5));   // another dimension
  std::ofstream(store.file(42, 0, true)) << "{\"hpo_source_model\": 1, \"fingerprint\": \"000000000000002a\"";
  REQUIRE(!store.load(42, 0, true, 4));  // half a file
  // A folder that cannot be made: the reason, not an exception.
  const hpo::transfer::SourceModelStore blocked(folder + "/models/" + store.file(42, 0, true).filename().string());
  REQUIRE_THAT(blocked.save(42, 0, true, theta), Contains("cannot"));
}

TEST_CASE("a source model store stays whole under concurrent writers killed with -9", "[library]") {
  const auto folder = fresh_folder("store-processes");
  const hpo::transfer::SourceModelStore store(folder + "/models");
  Eigen::VectorXd theta(8);
  theta << 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, -1.0 / 3.0, std::log(1e-6);
  // Killed with -9 (mid-write or not) when the test ends, a failed REQUIRE included.
  struct Writers {
    std::vector<pid_t> pids;
    void stop() {
      for (const pid_t pid : pids) ::kill(pid, SIGKILL);
      for (const pid_t pid : pids) ::waitpid(pid, nullptr, 0);
      pids.clear();
    }
    ~Writers() { stop(); }
  } writers;
  for (int w = 0; w < 3; ++w) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      for (;;) (void)store.save(7, 0, true, theta);
    }
    REQUIRE(pid > 0);
    writers.pids.push_back(pid);
  }
  // Every read meanwhile finds no file yet, or the whole file: once one was there, always. The
  // reads go on for 3000 after the first whole file; until then, up to a minute, since on a loaded
  // machine the writers may not have run at all during a fixed number of reads.
  bool seen = false;
  int whole = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (whole < 3000 && (seen || std::chrono::steady_clock::now() < deadline)) {
    const auto loaded = store.load(7, 0, true, 8);
    if (loaded) {
      seen = true;
      ++whole;
      REQUIRE(*loaded == theta);
    } else {
      REQUIRE(!seen);
    }
  }
  writers.stop();
  REQUIRE(whole == 3000);
  const auto after = store.load(7, 0, true, 8);
  REQUIRE(after);
  REQUIRE(*after == theta);
}

TEST_CASE("a model directory keeps the source models across processes", "[library]") {
  const auto folder = fresh_folder("model-directory");
  study_of(1.0, 50).save(folder + "/one.jsonl");
  study_of(1.0, 51, 3.0).save(folder + "/two.jsonl");
  const std::string models = folder + "/models";
  auto& cache = hpo::transfer::SourceModelCache::instance();
  const auto run = [&](const std::string& directory) {
    const auto warm = hpo::WarmStart::from(hpo::load_studies(folder), hpo_test::unit_square(),
                                           {.initial_points = 1, .source_model_directory = directory});
    hpo::BayesianOptimization bo({.seed = 1, .warm_start = warm});
    return hpo::optimize(hpo_test::unit_square(), target_function, bo, {.max_evaluations = 8, .progress = false});
  };
  const auto files = [&] {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(models)) names.push_back(entry.path().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto same_trials = [](const hpo::Study& a, const hpo::Study& b) {
    REQUIRE(a.trials().size() == b.trials().size());
    for (std::size_t i = 0; i < a.trials().size(); ++i) REQUIRE(a.trials()[i].config == b.trials()[i].config);
  };
  cache.clear();
  const auto without = run("");
  cache.clear();
  const auto first = run(models);
  REQUIRE(cache.fits() == 2);
  REQUIRE(files().size() == 2);
  same_trials(first, without);

  // Models this process fitted before a folder was named are kept there too, without a refit.
  const std::string later = folder + "/later-models";
  cache.clear();
  run("");
  same_trials(run(later), first);
  REQUIRE(cache.fits() == 2);
  REQUIRE(std::distance(std::filesystem::directory_iterator(later), std::filesystem::directory_iterator()) == 2);

  // A new process (an empty in-process cache) rebuilds both models from the folder: no fit, the
  // same trials.
  cache.clear();
  same_trials(run(models), first);
  REQUIRE(cache.fits() == 0);
  REQUIRE(cache.loads() == 2);

  // A damaged file is fitted again and rewritten.
  std::ofstream(files()[0], std::ios::trunc) << "{\"hpo_source_model\": 1";
  cache.clear();
  same_trials(run(models), first);
  REQUIRE(cache.fits() == 1);
  REQUIRE(cache.loads() == 1);
  REQUIRE(nlohmann::json::parse(std::ifstream(files()[0])).contains("log_hyperparameters"));

  // A journal that changed has another fingerprint: a new file, never the old model.
  {
    auto grown = hpo::Study::load(folder + "/two.jsonl");
    grown.tell(grown.ask(hpo::Config().set("x", 0.3).set("y", 0.7)).number, -5.0);
    grown.save(folder + "/two.jsonl");
  }
  cache.clear();
  run(models);
  REQUIRE(cache.fits() == 1);
  REQUIRE(cache.loads() == 1);
  REQUIRE(files().size() == 3);

  // A folder that cannot be written (said once on stderr): the run goes on with the same results.
  study_of(1.0, 51, 3.0).save(folder + "/two.jsonl");
  cache.clear();
  same_trials(run(folder + "/one.jsonl/models"), first);
  REQUIRE(cache.fits() == 2);
}

TEST_CASE("library options are validated", "[library]") {
  const auto source = study_of(1.0, 60);
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({source}, hpo_test::unit_square(), {.max_sources = 0}),
                      Contains("max_sources"));
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({source}, hpo_test::unit_square(), {.expected_related_sources = 0.5}),
                      Contains("expected_related_sources") && Contains("0.5"));
  std::vector<hpo::Study> library;
  for (std::uint64_t s = 0; s < 3; ++s) library.push_back(study_of(1.0, 70 + s));
  library.push_back(study_of(-1.0, 80));
  const auto capped = hpo::WarmStart::from(library, hpo_test::unit_square(), {.max_sources = 3});
  REQUIRE(capped.sources().size() == 3);  // the three that agree with each other
  REQUIRE(capped.left_out().size() == 1);
  REQUIRE(capped.left_out()[0].origin == "source #3");
  REQUIRE_THAT(capped.left_out()[0].reason, Contains("max_sources"));
  REQUIRE_THROWS_WITH(hpo::transfer::source_agreement({Eigen::MatrixXd::Zero(2, 2)}, {}), Contains("point sets"));
}
