// hpo::optimize(): budgets, direction, failures, callbacks, journal resume, typed objectives.
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/grid_search.hpp>
#include <hpo/optimizers/random_search.hpp>

#include "support/temp_files.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

using Catch::Contains;

namespace {
hpo::SearchSpace contract_space() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0);
  space.add_real("lr", 1e-5, 1e-1, hpo::Scale::Log);
  space.add_int("units", 16, 256);
  space.add_int("batch", 8, 512, hpo::Scale::Log);
  space.add_categorical("act", {"relu", "tanh", "gelu"});
  return space;
}

double contract_objective(const hpo::Config& c) {
  return c.get<double>("x") + c.get<int>("units") + (c.get<std::string>("act") == "relu" ? 1.0 : 0.0);
}

std::string optimize_temp_path(const std::string& name) { return hpo_test::temp_path("optimize", name); }
}  // namespace

static_assert(hpo::Objective<decltype(&contract_objective)>);
static_assert(!hpo::Objective<int (*)(int)>);
static_assert(hpo::Optimizer<hpo::RandomSearch>);
static_assert(hpo::Optimizer<hpo::GridSearch>);

TEST_CASE("the README contract compiles and runs", "[optimize]") {
  const auto space = contract_space();
  auto f = [](const hpo::Config& c) { return contract_objective(c); };
  hpo::RandomSearch random({.seed = 7});
  hpo::GridSearch grid({.points_per_dimension = 5});
  hpo::Study study = hpo::optimize(space, f, random, {.max_evaluations = 50, .progress = false});
  REQUIRE(study.trials().size() == 50);
  const auto& best = study.best();
  for (const auto& trial : study.trials()) {
    REQUIRE(trial.completed());
    REQUIRE(trial.duration >= 0.0);
    REQUIRE(trial.started_at > 1.6e9);
    REQUIRE(best.value <= trial.value);
  }
  REQUIRE(best.value == contract_objective(best.config));
  hpo::Study on_grid = hpo::optimize(space, f, grid, {.max_evaluations = 20, .progress = false});
  REQUIRE(on_grid.trials().size() == 20);
}

TEST_CASE("maximize picks the largest value", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  hpo::RandomSearch random({.seed = 1});
  auto study = hpo::optimize(space, [](const hpo::Config& c) { return c.get<double>("x"); }, random,
                             {.max_evaluations = 30, .direction = hpo::Direction::Maximize, .progress = false});
  double largest = 0.0;
  for (const auto& t : study.trials()) largest = std::max(largest, t.value);
  REQUIRE(study.best().value == largest);
  REQUIRE(largest > 0.9);
}

TEST_CASE("throwing and NaN objectives give failed trials and the search goes on", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  int calls = 0;
  auto flaky = [&](const hpo::Config& c) {
    ++calls;
    if (calls % 3 == 0) throw std::runtime_error("out of memory");
    if (calls % 3 == 1) return std::nan("");
    return c.get<double>("x");
  };
  auto study = hpo::optimize(space, flaky, hpo::RandomSearch({.seed = 2}), {.max_evaluations = 12, .progress = false});
  REQUIRE(study.trials().size() == 12);
  REQUIRE(study.failed_count() == 8);
  REQUIRE(study.completed_count() == 4);
  REQUIRE(study.trials()[0].error == "objective returned nan");
  REQUIRE(study.trials()[2].error == "out of memory");
  REQUIRE(std::isfinite(study.best().value));
}

TEST_CASE("a run where every trial fails ends with an error quoting the first failure", "[optimize]") {
  const auto space = contract_space();
  auto misspelt = [](const hpo::Config& c) { return c.get<double>("learning_rate"); };
  try {
    (void)hpo::optimize(space, misspelt, hpo::RandomSearch(), {.max_evaluations = 5, .progress = false});
    FAIL("expected hpo::NoTrialCompleted");
  } catch (const hpo::NoTrialCompleted& e) {
    REQUIRE_THAT(e.what(), Contains("\"learning_rate\"") && Contains("5 of 5"));
    REQUIRE(e.study().trials().size() == 5);  // nothing evaluated is lost
  }
}

TEST_CASE("a callback can stop the run, void callbacks just observe", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  std::size_t observed = 0;
  auto study = hpo::optimize(space, [](const hpo::Config& c) { return c.get<double>("x"); }, hpo::RandomSearch(),
                             {.max_evaluations = 100,
                              .callbacks = {[&](const hpo::Study&, const hpo::Trial&) { ++observed; },
                                            [](const hpo::Study& s, const hpo::Trial&) {
                                              return s.trials().size() >= 7 ? hpo::Action::Stop : hpo::Action::Continue;
                                            }},
                              .progress = false});
  REQUIRE(study.trials().size() == 7);
  REQUIRE(observed == 7);
}

TEST_CASE("max_seconds bounds the run", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  auto slow = [](const hpo::Config& c) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (std::chrono::steady_clock::now() < until) {
    }
    return c.get<double>("x");
  };
  auto study =
      hpo::optimize(space, slow, hpo::RandomSearch(), {.max_evaluations = 0, .max_seconds = 0.1, .progress = false});
  REQUIRE(study.trials().size() >= 2);
  REQUIRE(study.trials().size() <= 8);
  REQUIRE_THROWS_WITH(hpo::optimize(space, slow, hpo::RandomSearch(), {.max_seconds = 0.0}), Contains("max_seconds"));
}

TEST_CASE("a run that ends before its first trial, an empty space and tiny durations are named as they are",
          "[optimize][errors]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  const auto f = [](const hpo::Config& c) { return c.get<double>("x"); };
  // std::to_string printed these durations as "0.000000" and "-0.000000".
  REQUIRE_THROWS_WITH(hpo::optimize(space, f, hpo::RandomSearch(), {.max_seconds = 1e-12, .progress = false}),
                      Contains("no trial ran") && Contains("max_seconds = 1e-12"));
  REQUIRE_THROWS_WITH(hpo::optimize(space, f, hpo::RandomSearch(), {.max_seconds = -1e-9, .progress = false}),
                      Contains("max_seconds") && Contains("-1e-09"));
  REQUIRE_THROWS_WITH(hpo::optimize(hpo::SearchSpace{}, f, hpo::RandomSearch(), {.progress = false}),
                      Contains("hpo::optimize") && Contains("no parameter"));
  const auto journal = (std::filesystem::temp_directory_path() / "hpo_tiny_durations.jsonl").string();
  REQUIRE_THROWS_WITH(
      hpo::Study::open(journal, space, hpo::Direction::Minimize, {.heartbeat_interval = 1e-9, .lost_after = 5e-10}),
      Contains("lost_after") && Contains("1e-09") && Contains("5e-10"));
  REQUIRE_THROWS_WITH(hpo::Study::open(journal, space, hpo::Direction::Minimize, {.lock_stale_after = -1e-7}),
                      Contains("lock_stale_after") && Contains("-1e-07"));
  std::filesystem::remove(journal);
}

TEST_CASE("the journal resumes a run, counts its trials and continues the same sequence", "[optimize][journal]") {
  const auto path = optimize_temp_path("resume.jsonl");
  const auto space = contract_space();
  auto f = [](const hpo::Config& c) { return contract_objective(c); };
  const auto uninterrupted =
      hpo::optimize(space, f, hpo::RandomSearch({.seed = 9}), {.max_evaluations = 20, .progress = false});

  // Run 12 trials, "crash", then resume to 20.
  (void)hpo::optimize(space, f, hpo::RandomSearch({.seed = 9}),
                      {.max_evaluations = 12, .journal = path, .progress = false});
  auto resumed = hpo::optimize(space, f, hpo::RandomSearch({.seed = 9}),
                               {.max_evaluations = 20, .journal = path, .progress = false});
  REQUIRE(resumed.trials().size() == 20);
  for (std::size_t i = 0; i < 20; ++i) REQUIRE(resumed.trials()[i].config == uninterrupted.trials()[i].config);
  REQUIRE(hpo::Study::load(path).trials().size() == 20);

  hpo::SearchSpace other;
  other.add_real("x", -5.0, 10.0);
  REQUIRE_THROWS_WITH(hpo::optimize(other, f, hpo::RandomSearch(), {.journal = path, .progress = false}),
                      Contains("\"lr\""));
  std::filesystem::remove(path);
}

namespace {
struct Hyperparameters {
  double lr = 0;
  int units = 0;
  std::string act;
};
}  // namespace

TEST_CASE("an objective may take the user's own struct through a TypedSpace", "[optimize]") {
  hpo::TypedSpace<Hyperparameters> space;
  space.add_real("lr", &Hyperparameters::lr, 1e-5, 1e-1, hpo::Scale::Log)
      .add_int("units", &Hyperparameters::units, 16, 256)
      .add_categorical("act", &Hyperparameters::act, {"relu", "tanh", "gelu"});
  auto f = [](const Hyperparameters& h) {
    return std::abs(std::log10(h.lr) + 3.0) + h.units / 256.0 + (h.act == "tanh" ? 0.0 : 1.0);
  };
  auto study = hpo::optimize(space, f, hpo::RandomSearch({.seed = 4}), {.max_evaluations = 40, .progress = false});
  const Hyperparameters best = space.bind(study.best().config);
  REQUIRE(f(best) == study.best().value);
  REQUIRE(best.act == "tanh");
}

TEST_CASE("an objective may return a value with its gradient", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", -1.0, 1.0).add_categorical("c", {"a", "b"});
  auto f = [](const hpo::Config& c) {
    const double x = c.get<double>("x");
    return hpo::Evaluation{.value = x * x, .gradient = Eigen::VectorXd::Constant(1, 2.0 * x)};
  };
  auto study = hpo::optimize(space, f, hpo::RandomSearch(), {.max_evaluations = 5, .progress = false});
  for (const auto& t : study.trials()) REQUIRE(t.gradient[0] == Approx(2.0 * t.config.get<double>("x")));
}

namespace {
// Runs `body` with stderr redirected to a file and returns what it printed there.
template <class Body>
std::string capture_stderr(Body body) {
  const auto path = optimize_temp_path("stderr.txt");
  std::fflush(stderr);
  const int saved = dup(fileno(stderr));
  REQUIRE(std::freopen(path.c_str(), "w", stderr) != nullptr);
  body();
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("progress prints one line per trial unless turned off", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  auto f = [](const hpo::Config& c) { return c.get<double>("x") > 0.5 ? std::nan("") : c.get<double>("x"); };
  const auto shown =
      capture_stderr([&] { (void)hpo::optimize(space, f, hpo::RandomSearch({.seed = 1}), {.max_evaluations = 6}); });
  REQUIRE(std::count(shown.begin(), shown.end(), '\n') == 6);
  REQUIRE_THAT(shown, Contains("trial 1/6  ") && Contains("trial 6/6  ") && Contains("  best "));
  const auto silent = capture_stderr([&] {
    (void)hpo::optimize(space, f, hpo::RandomSearch({.seed = 1}), {.max_evaluations = 6, .progress = false});
  });
  REQUIRE(silent.empty());
}

TEST_CASE("on a terminal, progress is one line updated in place and failures get lines of their own", "[optimize]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  hpo::Study study(space);
  {
    hpo::detail::ProgressLine progress(out, /*terminal=*/true, 4);
    for (int i = 0; i < 3; ++i) {
      const auto trial = study.ask(hpo::Config().set("x", 0.1 * (i + 1)));
      const auto& finished = i == 1 ? study.fail(trial.number, "diverged") : study.tell(trial.number, 0.1 * (i + 1));
      progress.trial_finished(study, finished, 2);
    }
  }
  std::rewind(out);
  std::string shown;
  for (int c; (c = std::fgetc(out)) != EOF;) shown += static_cast<char>(c);
  std::fclose(out);
  REQUIRE(std::count(shown.begin(), shown.end(), '\n') == 2);  // the failure, and the end of the updating line
  REQUIRE_THAT(shown, Contains("\r\033[Ktrial 2/4  failed: diverged\n"));
  REQUIRE_THAT(shown, Contains("\r\033[Ktrial 3/4  best 0.1  elapsed 0s  left ~0s  running 2"));
  REQUIRE(shown.rfind("trial 3/4") > shown.rfind("trial 2/4"));
}

TEST_CASE("progress shows a pruned trial with its last step, and counts prunes on a terminal", "[optimize]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  const auto shown_by = [&](bool terminal) {
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    hpo::Study study(space);
    {
      hpo::detail::ProgressLine progress(out, terminal, 3);
      const auto first = study.ask(hpo::Config().set("x", 0.1));
      progress.trial_finished(study, study.tell(first.number, 0.1), 0);
      const auto second = study.ask(hpo::Config().set("x", 0.2));
      study.report(second.number, 1, 0.9);
      study.report(second.number, 3, 0.7);
      progress.trial_finished(study, study.prune(second.number), 0);
    }
    std::rewind(out);
    std::string shown;
    for (int c; (c = std::fgetc(out)) != EOF;) shown += static_cast<char>(c);
    std::fclose(out);
    return shown;
  };
  REQUIRE_THAT(shown_by(false), Contains("trial 2/3  pruned at step 3  value 0.7\n"));
  const std::string terminal = shown_by(true);
  REQUIRE(std::count(terminal.begin(), terminal.end(), '\n') == 1);  // no line of its own for the prune
  REQUIRE_THAT(terminal, Contains("\r\033[Ktrial 2/3  best 0.1  elapsed 0s  left ~0s  pruned 1"));
}
