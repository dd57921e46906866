// Pruning: each pruner's decisions on hand-made curves, the reporter's rules, the journal's
// intermediate lines (resume, several studies on one journal), bad input, and determinism.
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/pruning.hpp>

#include "support/temp_files.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Contains;

namespace {
hpo::SearchSpace space_1d() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  return space;
}

std::string pruning_temp_path(const std::string& name) { return hpo_test::temp_path("pruning", name); }

// A trial with a hand-made curve and state.
hpo::Trial curve_trial(std::size_t number, std::map<std::int64_t, double> curve,
                       hpo::TrialState state = hpo::TrialState::Completed) {
  hpo::Trial trial;
  trial.number = number;
  trial.state = state;
  trial.intermediate = std::move(curve);
  if (state == hpo::TrialState::Completed) trial.value = trial.intermediate.rbegin()->second;
  return trial;
}

bool decide(const hpo::AnyPruner& pruner, const std::vector<hpo::Trial>& trials, std::size_t number,
            hpo::Direction direction = hpo::Direction::Minimize) {
  return pruner.should_prune(hpo::PruningContext{.trials = trials, .number = number, .direction = direction});
}

// Runs trials one after another through ask/tell: trial k reports `curves[k]` step by step and is
// pruned at the first report the pruner rejects. Returns, per trial, the step it was pruned at (-1
// when it completed).
std::vector<std::int64_t> run_curves(const std::vector<std::map<std::int64_t, double>>& curves, hpo::AnyPruner pruner) {
  hpo::Study study(space_1d());
  study.set_pruner(std::move(pruner));
  std::vector<std::int64_t> pruned_at;
  for (const auto& curve : curves) {
    const auto trial = study.ask(hpo::Config{}.set("x", 0.5));
    pruned_at.push_back(-1);
    for (const auto& [step, value] : curve) {
      study.report(trial.number, step, value);
      if (study.should_prune(trial.number)) {
        study.prune(trial.number);
        pruned_at.back() = step;
        break;
      }
    }
    if (pruned_at.back() < 0) study.tell(trial.number, curve.rbegin()->second);
  }
  return pruned_at;
}
}  // namespace

TEST_CASE("median pruner: the best value so far against the completed trials' median at that step", "[pruning]") {
  std::vector<hpo::Trial> trials;
  for (std::size_t k = 0; k < 5; ++k)
    trials.push_back(curve_trial(k, {{1, 10.0 + k}, {5, 1.0 + static_cast<double>(k)}}));  // at step 5: 1..5
  trials.push_back(curve_trial(5, {{1, 0.5}, {5, 0.1}}, hpo::TrialState::Pruned));         // not counted
  trials.push_back(curve_trial(6, {{1, 0.5}, {5, 0.1}}, hpo::TrialState::Failed));         // not counted
  const hpo::AnyPruner median = hpo::MedianPruner{.warmup_steps = 2, .min_trials = 5};

  trials.push_back(curve_trial(7, {{5, 3.5}}, hpo::TrialState::Running));
  CHECK(decide(median, trials, 7));  // 3.5 > median 3
  trials.back().intermediate = {{5, 3.0}};
  CHECK_FALSE(decide(median, trials, 7));  // not strictly worse than the median
  trials.back().intermediate = {{1, 2.5}, {5, 3.5}};
  CHECK_FALSE(decide(median, trials, 7));  // its best so far, 2.5, beats the median
  trials.back().intermediate = {{1, 99.0}};
  CHECK_FALSE(decide(median, trials, 7));  // step 1 is within the warm-up
  trials.back().intermediate = {{4, 99.0}};
  CHECK_FALSE(decide(median, trials, 7));  // no completed trial reported at step 4
  trials.back().intermediate = {{5, 3.5}};
  CHECK_FALSE(decide(hpo::MedianPruner{.warmup_steps = 0, .min_trials = 6}, trials, 7));  // 5 < min_trials
  CHECK(decide(median, trials, 7, hpo::Direction::Minimize));
  CHECK_FALSE(decide(median, trials, 7, hpo::Direction::Maximize));  // 3.5 beats 3 when maximizing
}

TEST_CASE("percentile pruner: linear interpolation between order statistics", "[pruning]") {
  std::vector<hpo::Trial> trials;
  for (std::size_t k = 0; k < 5; ++k) trials.push_back(curve_trial(k, {{3, static_cast<double>(k)}}));  // 0..4
  trials.push_back(curve_trial(5, {{3, 1.1}}, hpo::TrialState::Running));
  const hpo::AnyPruner quarter = hpo::PercentilePruner{.percentile = 25.0, .warmup_steps = 0, .min_trials = 1};
  CHECK(decide(quarter, trials, 5));  // 25th percentile of 0..4 is 1.0
  trials.back().intermediate = {{3, 1.0}};
  CHECK_FALSE(decide(quarter, trials, 5));
  trials.back().intermediate = {{3, 1.7}};
  CHECK_FALSE(decide(hpo::PercentilePruner{.percentile = 42.5, .warmup_steps = 0, .min_trials = 1}, trials, 5));  // 1.7
  CHECK(decide(hpo::PercentilePruner{.percentile = 40.0, .warmup_steps = 0, .min_trials = 1}, trials, 5));        // 1.6
  // Maximizing: the 25th percentile from the top of 0..4 is 3.0.
  trials.back().intermediate = {{3, 2.9}};
  CHECK(decide(quarter, trials, 5, hpo::Direction::Maximize));
  trials.back().intermediate = {{3, 3.0}};
  CHECK_FALSE(decide(quarter, trials, 5, hpo::Direction::Maximize));
}

TEST_CASE("successive halving: rungs at 1, 3, 9, and a trial goes on when among the best max(1, n/3)", "[pruning]") {
  const hpo::SuccessiveHalvingPruner asha{.min_resource = 1, .reduction_factor = 3};
  // Rung 1 in arrival order: 5 (n=1 keep 1: on), 4 (n=2: best, on), 6 (n=3 keep 1: pruned), 3 (on),
  // 4.5 (n=5 keep 1: pruned), 3.5 (n=6 keep 2: second, on), 3.6 (n=7 keep 2: third, pruned).
  // Rung 3: trial 0 (2.0, alone: on), trial 1 (2.5, n=2 keep 1: pruned), trial 3 (1.0, best: on),
  // trial 5 (1.5, n=4 keep 1: pruned). Rung 9: trial 0 (0.5: on), trial 3 (0.7: pruned).
  const std::vector<std::map<std::int64_t, double>> curves = {
      {{1, 5.0}, {2, 9.0}, {3, 2.0}, {9, 0.5}, {10, 0.4}},
      {{1, 4.0}, {3, 2.5}, {9, 0.1}},
      {{1, 6.0}, {3, 0.1}},
      {{1, 3.0}, {3, 1.0}, {9, 0.7}, {10, 0.0}},
      {{1, 4.5}, {3, 0.1}},
      {{1, 3.5}, {3, 1.5}, {9, 0.1}},
      {{1, 3.6}, {3, 0.1}},
  };
  CHECK(run_curves(curves, asha) == std::vector<std::int64_t>{-1, 3, 1, 9, 1, 3, 1});
}

TEST_CASE("successive halving: a report that jumps several rungs is judged at each, the bracket shifts rungs",
          "[pruning]") {
  std::vector<hpo::Trial> trials = {curve_trial(0, {{1, 1.0}, {3, 5.0}}), curve_trial(1, {{1, 1.0}, {3, 1.0}})};
  trials.push_back(curve_trial(2, {{4, 2.0}}, hpo::TrialState::Running));  // crosses rungs 1 and 3
  const hpo::AnyPruner asha = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 2};
  CHECK(decide(asha, trials, 2));  // rung 1: 2.0 is third of 1, 1, 2.0 with keep 1
  // With min_early_stopping_rate 2 the first rung is at 4, which only trial 2 has reached.
  CHECK_FALSE(decide(
      hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 2, .min_early_stopping_rate = 2}, trials, 2));
  // No rung crossed by the latest report: no decision, however bad the value.
  trials.back().intermediate = {{2, 0.0}, {3, 100.0}};
  CHECK_FALSE(decide(asha, trials, 2));
}

TEST_CASE("hyperband: brackets from the seed alone, in Hyperband's proportions, each its own halving", "[pruning]") {
  const hpo::HyperbandPruner hyperband{.min_resource = 1, .max_resource = 100, .reduction_factor = 3, .seed = 7};
  CHECK(hyperband.brackets() == 5);  // 1, 3, 9, 27, 81 <= 100
  CHECK(hpo::HyperbandPruner{.min_resource = 1, .max_resource = 1, .reduction_factor = 3}.brackets() == 1);
  // Shares ceil(5/(s+1) * 3^s): 5, 8, 15, 34, 81 of 143. Over 20,000 trials each is within 1.5% of
  // its share (binomial standard deviation at most 0.35%; measured with this seed: 0.71% at most).
  std::vector<double> counts(5, 0.0);
  const int n = 20000;
  for (int k = 0; k < n; ++k) counts[static_cast<std::size_t>(hyperband.bracket(static_cast<std::size_t>(k)))] += 1;
  const std::vector<double> shares = {5, 8, 15, 34, 81};
  for (std::size_t s = 0; s < 5; ++s) CHECK(std::abs(counts[s] / n - shares[s] / 143.0) < 0.015);
  // The same seed gives the same brackets; another seed others.
  const hpo::HyperbandPruner same = hyperband;
  hpo::HyperbandPruner other = hyperband;
  other.seed = 8;
  int differ = 0;
  for (std::size_t k = 0; k < 100; ++k) {
    CHECK(same.bracket(k) == hyperband.bracket(k));
    differ += other.bracket(k) != hyperband.bracket(k);
  }
  CHECK(differ > 20);

  // A trial competes with its own bracket only. Find two trials of the most aggressive bracket
  // (first rung at 1) and one of another.
  std::vector<std::size_t> aggressive, calm;
  for (std::size_t k = 0; aggressive.size() < 2 || calm.empty(); ++k)
    (hyperband.bracket(k) == 4 ? aggressive : calm).push_back(k);
  std::vector<hpo::Trial> trials(std::max({aggressive[1], calm[0]}) + 1);
  for (std::size_t k = 0; k < trials.size(); ++k) trials[k] = curve_trial(k, {}, hpo::TrialState::Failed);
  trials[calm[0]] = curve_trial(calm[0], {{1, 0.0}, {100, 0.0}});
  trials[aggressive[1]] = curve_trial(aggressive[1], {{1, 5.0}}, hpo::TrialState::Running);
  CHECK_FALSE(decide(hyperband, trials, aggressive[1]));  // alone in its bracket at rung 1
  trials[aggressive[0]] = curve_trial(aggressive[0], {{1, 1.0}, {100, 0.5}});
  CHECK(decide(hyperband, trials, aggressive[1]));  // second of two, keep 1
}

TEST_CASE("hyperband: no rung at or past max_resource prunes, so the calmest bracket runs in full", "[pruning]") {
  // min 1, max 27, eta 3: brackets with first rungs 27, 9, 3, 1. Bracket 0's one rung is 27, the
  // full budget: a trial that got there has had it, and Hyperband's s = 0 bracket never halves.
  const hpo::HyperbandPruner hyperband{.min_resource = 1, .max_resource = 27, .reduction_factor = 3, .seed = 3};
  REQUIRE(hyperband.brackets() == 4);
  std::vector<std::size_t> calmest, next;
  for (std::size_t k = 0; calmest.size() < 2 || next.size() < 2; ++k)
    if (hyperband.bracket(k) == 0) calmest.push_back(k);
    else if (hyperband.bracket(k) == 1) next.push_back(k);
  std::vector<hpo::Trial> trials(std::max(calmest[1], next[1]) + 1);
  for (std::size_t k = 0; k < trials.size(); ++k) trials[k] = curve_trial(k, {}, hpo::TrialState::Failed);
  trials[calmest[0]] = curve_trial(calmest[0], {{27, 0.0}});
  trials[calmest[1]] = curve_trial(calmest[1], {{26, 5.0}, {27, 5.0}}, hpo::TrialState::Running);
  CHECK_FALSE(decide(hyperband, trials, calmest[1]));  // worse than its peer, but at its full budget
  // A report past the budget is no rung either.
  trials[calmest[1]].intermediate = {{26, 5.0}, {30, 5.0}};
  CHECK_FALSE(decide(hyperband, trials, calmest[1]));
  // Bracket 1 halves at 9, below the budget, as before.
  trials[next[0]] = curve_trial(next[0], {{9, 0.0}, {27, 0.0}});
  trials[next[1]] = curve_trial(next[1], {{9, 5.0}}, hpo::TrialState::Running);
  CHECK(decide(hyperband, trials, next[1]));
}

TEST_CASE("should_prune before any report is false, and with no pruner it is always false", "[pruning]") {
  hpo::Study study(space_1d());
  study.set_pruner(hpo::SuccessiveHalvingPruner{});
  const auto first = study.ask(hpo::Config{}.set("x", 0.1));
  CHECK_FALSE(study.should_prune(first.number));
  study.report(first.number, 1, 1.0);
  study.tell(first.number, 1.0);
  const auto second = study.ask(hpo::Config{}.set("x", 0.2));
  CHECK_FALSE(study.should_prune(second.number));
  study.report(second.number, 1, 2.0);
  CHECK(study.should_prune(second.number));  // second of two at rung 1
  study.set_pruner({});
  CHECK_FALSE(study.should_prune(second.number));

  hpo::Reporter standalone;
  CHECK_FALSE(standalone.should_prune());
  standalone.report(1, 5.0);
  CHECK_FALSE(standalone.should_prune());
  CHECK(standalone.curve() == std::map<std::int64_t, double>{{1, 5.0}});
}

TEST_CASE("steps: a step reported twice keeps its first value, a decreasing or negative step is an error",
          "[pruning][errors]") {
  hpo::Study study(space_1d());
  const auto trial = study.ask(hpo::Config{}.set("x", 0.1));
  study.report(trial.number, 2, 1.0);
  study.report(trial.number, 2, 7.0);
  CHECK(study.trial(trial.number).intermediate == std::map<std::int64_t, double>{{2, 1.0}});
  CHECK_THROWS_WITH(study.report(trial.number, 1, 1.0), Contains("step 1 comes after step 2"));
  CHECK_THROWS_WITH(study.report(trial.number, -3, 1.0), Contains("step must be >= 0, got -3"));
  study.report(trial.number, 5, 0.5);  // gaps are fine

  hpo::Reporter reporter;
  reporter.report(0, 1.0);
  reporter.report(0, 2.0);
  CHECK(reporter.curve() == std::map<std::int64_t, double>{{0, 1.0}});
  CHECK_THROWS_WITH(reporter.report(-1, 1.0), Contains("step must be >= 0, got -1"));
}

TEST_CASE("a NaN or infinite report fails the trial, naming the value and the step", "[pruning][errors]") {
  hpo::Study study(space_1d());
  const auto trial = study.ask(hpo::Config{}.set("x", 0.1));
  study.report(trial.number, 1, 0.5);
  const auto& failed = study.report(trial.number, 3, std::numeric_limits<double>::quiet_NaN());
  CHECK(failed.failed());
  CHECK(failed.error == "reported nan at step 3");
  CHECK(failed.intermediate == std::map<std::int64_t, double>{{1, 0.5}});

  // Through optimize: the trial fails even when the objective swallows the exception.
  auto objective = [](const hpo::Config& c, hpo::Reporter& reporter) {
    reporter.report(1, 1.0);
    try {
      reporter.report(2, c.get<double>("x") < 2.0 ? std::numeric_limits<double>::infinity() : 0.0);
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Contains("reported inf at step 2"));
    }
    return 1.0;
  };
  hpo::RandomSearch random({.seed = 3});
  try {
    hpo::optimize(space_1d(), objective, random, {.max_evaluations = 3, .progress = false});
    FAIL("every trial should have failed");
  } catch (const hpo::NoTrialCompleted& e) {
    CHECK(e.study().failed_count() == 3);
    CHECK(e.study().trial(0).error == "reported inf at step 2");
    CHECK(e.study().trial(0).intermediate == std::map<std::int64_t, double>{{1, 1.0}});
  }
}

TEST_CASE("a report after the trial finished is an error naming the trial", "[pruning][errors]") {
  hpo::Study study(space_1d());
  const auto trial = study.ask(hpo::Config{}.set("x", 0.1));
  study.tell(trial.number, 1.0);
  CHECK_THROWS_WITH(study.report(trial.number, 1, 1.0), Contains("trial 0 is already completed"));
  CHECK_THROWS_WITH(study.should_prune(trial.number), Contains("trial 0 is already completed"));
  CHECK_THROWS_WITH(study.report(9, 1, 1.0), Contains("no trial number 9"));

  std::optional<hpo::Reporter> kept;
  auto objective = [&](const hpo::Config&, hpo::Reporter& reporter) {
    kept = reporter;
    reporter.report(1, 1.0);
    return 1.0;
  };
  hpo::RandomSearch random({.seed = 1});
  hpo::optimize(space_1d(), objective, random, {.max_evaluations = 1, .progress = false});
  CHECK_THROWS_AS(kept->report(2, 1.0), std::logic_error);
  CHECK_THROWS_WITH(kept->report(2, 1.0), Contains("trial 0 has finished"));
  CHECK_THROWS_WITH(kept->should_prune(), Contains("trial 0 has finished"));
}

TEST_CASE("pruner options out of range are errors naming the field and the value", "[pruning][errors]") {
  using hpo::AnyPruner;
  CHECK_THROWS_WITH(AnyPruner(hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 1}),
                    Contains("hpo::SuccessiveHalvingPruner: reduction_factor must be >= 2, got 1"));
  CHECK_THROWS_WITH(AnyPruner(hpo::SuccessiveHalvingPruner{.min_resource = 0}),
                    Contains("min_resource must be > 0, got 0"));
  CHECK_THROWS_WITH(AnyPruner(hpo::SuccessiveHalvingPruner{.min_early_stopping_rate = -1}),
                    Contains("min_early_stopping_rate must be >= 0, got -1"));
  CHECK_THROWS_WITH(AnyPruner(hpo::HyperbandPruner{.min_resource = -2}),
                    Contains("hpo::HyperbandPruner: min_resource must be > 0, got -2"));
  CHECK_THROWS_WITH(AnyPruner(hpo::HyperbandPruner{.min_resource = 1, .max_resource = 100, .reduction_factor = 0}),
                    Contains("reduction_factor must be >= 2, got 0"));
  CHECK_THROWS_WITH(AnyPruner(hpo::HyperbandPruner{.min_resource = 10, .max_resource = 5}),
                    Contains("max_resource must be >= min_resource (10), got 5"));
  CHECK_THROWS_WITH(AnyPruner(hpo::MedianPruner{.warmup_steps = -1}), Contains("warmup_steps must be >= 0, got -1"));
  CHECK_THROWS_WITH(AnyPruner(hpo::MedianPruner{.min_trials = 0}), Contains("min_trials must be >= 1, got 0"));
  CHECK_THROWS_WITH(AnyPruner(hpo::PercentilePruner{.percentile = 101.0}),
                    Contains("percentile must be within [0, 100], got 101"));
  // Through the run options too, before any trial runs.
  hpo::RandomSearch random({.seed = 1});
  auto f = [](const hpo::Config&, hpo::Reporter&) { return 1.0; };
  CHECK_THROWS_WITH(hpo::optimize(space_1d(), f, random,
                                  {.pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 1}}),
                    Contains("reduction_factor must be >= 2, got 1"));
  // A pruner with an objective that cannot report is a mistake, said before any trial runs.
  auto silent = [](const hpo::Config&) { return 1.0; };
  CHECK_THROWS_WITH(hpo::optimize(space_1d(), silent, random, {.pruner = hpo::MedianPruner{}}),
                    Contains("RunOptions::pruner is set, but the objective takes no hpo::Reporter&"));
}

namespace {
// A user's pruner: stops any trial whose value exceeds a limit.
struct Threshold {
  double limit = 1.0;
  bool should_prune(const hpo::PruningContext& context) const { return context.last_value() > limit; }
};
static_assert(hpo::Pruner<Threshold>);
static_assert(hpo::Pruner<hpo::MedianPruner> && hpo::Pruner<hpo::PercentilePruner> &&
              hpo::Pruner<hpo::SuccessiveHalvingPruner> && hpo::Pruner<hpo::HyperbandPruner>);
static_assert(!hpo::Pruner<int>);

// Curves x + 1/epoch: the final value is x, every curve decreases.
double curve_value(double x, int epoch) { return x + 1.0 / epoch; }
}  // namespace

TEST_CASE("optimize with a user's pruner: pruned trials keep their curve and last value", "[pruning]") {
  auto train = [](const hpo::Config& c, hpo::Reporter& reporter) {
    const double x = c.get<double>("x");
    for (int epoch = 1; epoch <= 10; ++epoch) {
      reporter.report(epoch, curve_value(x, epoch));
      if (reporter.should_prune()) throw hpo::TrialPruned();
    }
    return curve_value(x, 10);
  };
  hpo::RandomSearch random({.seed = 5});
  const auto study =
      hpo::optimize(space_1d(), train, random, {.max_evaluations = 40, .progress = false, .pruner = Threshold{1.3}});
  REQUIRE(study.pruned_count() > 0);
  REQUIRE(study.completed_count() > 0);
  for (const auto& trial : study.trials()) {
    const double x = trial.config.get<double>("x");
    if (trial.pruned()) {
      // Pruned at the first epoch whose value exceeds 1.3, that value kept.
      const auto last = trial.intermediate.rbegin();
      CHECK(last->second > 1.3);
      CHECK(trial.value == last->second);
      CHECK(trial.intermediate.size() == static_cast<std::size_t>(last->first));
    } else {
      CHECK(trial.intermediate.size() == 10);
      CHECK(trial.value == curve_value(x, 10));
      CHECK(trial.intermediate.at(3) == curve_value(x, 3));
    }
  }
}

TEST_CASE("a TypedSpace objective takes a reporter too", "[pruning]") {
  struct Hyper {
    double x = 0.0;
  };
  hpo::TypedSpace<Hyper> space;
  space.add_real("x", &Hyper::x, 0.0, 1.0);
  auto train = [](const Hyper& h, hpo::Reporter& reporter) {
    reporter.report(1, h.x + 1.0);
    if (reporter.should_prune()) throw hpo::TrialPruned();
    return h.x;
  };
  hpo::RandomSearch random({.seed = 2});
  const auto study = hpo::optimize(
      space, train, random, {.max_evaluations = 12, .progress = false, .pruner = hpo::SuccessiveHalvingPruner{}});
  CHECK(study.pruned_count() > 0);
  CHECK(study.trial(0).intermediate.size() == 1);
}

TEST_CASE("a pruned trial in the journal, resumed: states, values and curves survive", "[pruning][journal]") {
  const std::string path = pruning_temp_path("resume.jsonl");
  auto train = [](const hpo::Config& c, hpo::Reporter& reporter) {
    const double x = c.get<double>("x");
    for (int epoch = 1; epoch <= 9; ++epoch) {
      reporter.report(epoch, curve_value(x, epoch));
      if (reporter.should_prune()) throw hpo::TrialPruned();
    }
    return curve_value(x, 9);
  };
  const hpo::RunOptions options{.max_evaluations = 15,
                                .journal = path,
                                .progress = false,
                                .pruner = hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 3}};
  hpo::RandomSearch random({.seed = 4});
  const auto first = hpo::optimize(space_1d(), train, random, options);
  REQUIRE(first.pruned_count() > 0);

  // Each report was a line of its own as it happened.
  std::ifstream in(path);
  std::size_t intermediate_lines = 0, points = 0;
  for (std::string line; std::getline(in, line);)
    intermediate_lines += line.find("\"type\":\"intermediate\"") != std::string::npos;
  for (const auto& trial : first.trials()) points += trial.intermediate.size();
  CHECK(intermediate_lines == points);

  const auto loaded = hpo::Study::load(path);
  REQUIRE(loaded.trials().size() == first.trials().size());
  for (std::size_t n = 0; n < first.trials().size(); ++n) {
    CHECK(loaded.trial(n).state == first.trial(n).state);
    CHECK(loaded.trial(n).intermediate == first.trial(n).intermediate);
    if (first.trial(n).pruned()) CHECK(loaded.trial(n).value == first.trial(n).intermediate.rbegin()->second);
  }
  // Resumed with a larger budget: the pruner judges the new trials against the old curves.
  hpo::RunOptions more = options;
  more.max_evaluations = 25;
  hpo::RandomSearch again({.seed = 4});
  const auto resumed = hpo::optimize(space_1d(), train, again, more);
  CHECK(resumed.trials().size() == 25);
  CHECK(resumed.pruned_count() > first.pruned_count());
  for (std::size_t n = 0; n < first.trials().size(); ++n)
    CHECK(resumed.trial(n).intermediate == first.trial(n).intermediate);
}

TEST_CASE("a running trial's intermediate values survive a reopen and reach another study on the journal",
          "[pruning][journal]") {
  const std::string path = pruning_temp_path("running.jsonl");
  auto a = hpo::Study::open(path, space_1d());
  auto b = hpo::Study::open(path, space_1d());
  a.set_pruner(hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 2});
  b.set_pruner(hpo::SuccessiveHalvingPruner{.min_resource = 1, .reduction_factor = 2});
  const auto ta = a.ask(hpo::Config{}.set("x", 0.1));
  a.report(ta.number, 1, 0.2);
  a.report(ta.number, 2, 0.15);
  // b, another "process", sees a's curve while a's trial runs, and judges its own against it.
  const auto tb = b.ask(hpo::Config{}.set("x", 0.9));
  CHECK(b.trial(ta.number).intermediate == std::map<std::int64_t, double>{{1, 0.2}, {2, 0.15}});
  b.report(tb.number, 1, 0.95);
  CHECK(b.should_prune(tb.number));  // second of two at rung 1, keep 1
  b.prune(tb.number);
  // Reopened: a's trial still runs (its process is alive), with its curve; b's is pruned.
  auto c = hpo::Study::open(path, space_1d());
  CHECK(c.trial(ta.number).running());
  CHECK(c.trial(ta.number).intermediate == std::map<std::int64_t, double>{{1, 0.2}, {2, 0.15}});
  CHECK(c.trial(tb.number).pruned());
  CHECK(c.trial(tb.number).value == 0.95);
  // A report of a trial finished meanwhile by another study is refused, naming its state.
  CHECK_THROWS_WITH(a.report(tb.number, 2, 0.5), Contains("trial 1 is already pruned"));
}

TEST_CASE("the same seed gives the same pruned run", "[pruning]") {
  auto train = [](const hpo::Config& c, hpo::Reporter& reporter) {
    const double x = c.get<double>("x");
    for (int epoch = 1; epoch <= 27; ++epoch) {
      reporter.report(epoch, std::abs(x - 0.3) + 2.0 * std::sin(7.0 * x) / epoch);  // curves cross
      if (reporter.should_prune()) throw hpo::TrialPruned();
    }
    return std::abs(x - 0.3);
  };
  const auto run = [&](std::uint64_t seed) {
    hpo::BayesianOptimization bo({.seed = seed});
    return hpo::optimize(space_1d(), train, bo,
                         {.max_evaluations = 25,
                          .progress = false,
                          .pruner = hpo::HyperbandPruner{.min_resource = 1, .max_resource = 27, .seed = seed}});
  };
  const auto one = run(11), two = run(11);
  REQUIRE(one.trials().size() == two.trials().size());
  CHECK(one.pruned_count() > 0);
  for (std::size_t n = 0; n < one.trials().size(); ++n) {
    CHECK(one.trial(n).config == two.trial(n).config);
    CHECK(one.trial(n).state == two.trial(n).state);
    CHECK(one.trial(n).intermediate == two.trial(n).intermediate);
  }
}

TEST_CASE("Bayesian optimization models pruned trials with their last value, or leaves them out", "[pruning]") {
  hpo::bayesian::TargetModel last(1, hpo::KernelType::Matern52, hpo::OutputTransform::Robust,
                                  hpo::PrunedTrials::LastValue);
  hpo::bayesian::TargetModel excluded(1, hpo::KernelType::Matern52, hpo::OutputTransform::Robust,
                                      hpo::PrunedTrials::Excluded);
  const auto pruned = curve_trial(0, {{1, 2.0}}, hpo::TrialState::Pruned);
  hpo::Trial with_value = pruned;
  with_value.value = 2.0;
  CHECK(last.models(with_value));
  CHECK_FALSE(excluded.models(with_value));
  CHECK_FALSE(last.models(pruned));  // pruned before any report: no value to model
  CHECK(excluded.models(curve_trial(1, {{1, 1.0}})));
  CHECK_THROWS_WITH(hpo::BayesianOptimization({.pruned_trials = static_cast<hpo::PrunedTrials>(7)}),
                    Contains("pruned_trials = 7"));
}
