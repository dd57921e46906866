// WarmStart: matching rules, bad sources, initial points and the search region.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <tuple>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/bayesian_optimization.hpp>
#include <hpo/optimizers/gradient_descent.hpp>
#include <hpo/optimizers/grid_search.hpp>
#include <hpo/optimizers/random_search.hpp>
#include <hpo/transfer/ranking_weights.hpp>
#include <hpo/transfer/source_basis.hpp>
#include <hpo/transfer/transfer_surrogate.hpp>
#include <hpo/transfer/warm_start.hpp>

#include "support/fixtures.hpp"

using Catch::Contains;

namespace {
// A source study over (x real [0, 10], act {relu, tanh, gelu}) with the given trials.
hpo::Study source_study(const std::vector<std::tuple<double, std::string, double>>& trials,
                        hpo::Direction direction = hpo::Direction::Minimize) {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 10.0).add_categorical("act", {"relu", "tanh", "gelu"});
  hpo::Study study(space, direction);
  for (const auto& [x, act, value] : trials) {
    auto t = study.ask(hpo::Config().set("x", x).set("act", act));
    study.tell(t.number, value);
  }
  return study;
}

hpo::SearchSpace target_space() {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 8.0).add_categorical("act", {"relu", "tanh"}).add_int("units", 10, 30);
  return space;
}
}  // namespace

TEST_CASE("matching clips, drops unknown categories, fills missing parameters, ranks", "[transfer]") {
  const auto source = source_study({{9.5, "relu", 0.1}, {2.0, "gelu", 0.05}, {4.0, "tanh", 0.3}, {1.0, "relu", 0.2}});
  const auto warm = hpo::WarmStart::from({source}, target_space());
  REQUIRE(warm.sources().size() == 1);
  const auto& matched = warm.sources()[0];
  REQUIRE(matched.dropped == 1);  // the "gelu" trial
  REQUIRE(matched.configs.size() == 3);
  REQUIRE(matched.configs[0].get<double>("x") == 8.0);  // 9.5 clipped to the target's high bound
  REQUIRE(matched.configs[0].get<std::string>("act") == "relu");
  REQUIRE(matched.configs[0].get<int>("units") == 20);  // filled: the middle of [10, 30]
  REQUIRE(matched.configs[1].get<double>("x") == 1.0);  // ranked by value: 0.1, 0.2, 0.3
  REQUIRE(matched.configs[2].get<double>("x") == 4.0);
  REQUIRE(matched.values == std::vector<double>{0.1, 0.2, 0.3});
}

TEST_CASE("a maximized source ranks its largest values first", "[transfer]") {
  const auto source = source_study({{1.0, "relu", 0.5}, {2.0, "relu", 0.9}}, hpo::Direction::Maximize);
  const auto warm = hpo::WarmStart::from({source}, target_space());
  REQUIRE(warm.initial_points()[0].get<double>("x") == 2.0);
}

TEST_CASE("a warm-started optimizer's GP keeps the average as prior mean unless told otherwise", "[transfer]") {
  // The RGPE ensemble and the source basis were measured worse under the worst observed value
  // (bench/results/bo_efficiency.md), so Automatic resolves to Average with a warm start.
  const auto warm = hpo::WarmStart::from({source_study({{1.0, "relu", 0.5}, {2.0, "relu", 0.9}})}, target_space());
  CHECK(hpo::bayesian::resolved_prior_mean({.warm_start = warm}) == hpo::PriorMean::Average);
  CHECK(hpo::bayesian::resolved_prior_mean({.warm_start = warm, .prior_mean = hpo::PriorMean::WorstObserved}) ==
        hpo::PriorMean::WorstObserved);
  CHECK(hpo::bayesian::resolved_prior_mean({}) == hpo::PriorMean::WorstObserved);
}

TEST_CASE("bad sources are errors naming the parameter or the file", "[transfer]") {
  hpo::SearchSpace other;
  other.add_real("momentum", 0.0, 1.0);
  hpo::Study unrelated(other);
  unrelated.tell(unrelated.ask(hpo::Config().set("momentum", 0.5)).number, 1.0);
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({unrelated}, target_space()), Contains("shares no parameter"));

  hpo::SearchSpace kinds;
  kinds.add_int("x", 0, 8);
  hpo::Study mismatched(kinds);
  mismatched.tell(mismatched.ask(hpo::Config().set("x", 3)).number, 1.0);
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({mismatched}, target_space()), Contains("\"x\"") && Contains("integer"));

  auto failed_only = source_study({});
  failed_only.fail(failed_only.ask(hpo::Config().set("x", 1.0).set("act", "relu")).number, "crash");
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({failed_only}, target_space()), Contains("no completed trial"));

  const auto path = (std::filesystem::temp_directory_path() / "hpo_test_empty_source.jsonl").string();
  failed_only.save(path);
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({hpo::Study::load(path)}, target_space()), Contains(path));
  std::filesystem::remove(path);
  REQUIRE_THROWS_WITH(hpo::Study::load(path), Contains(path));
  REQUIRE_THROWS_WITH(hpo::WarmStart::from({}, target_space()), Contains("no source"));
}

TEST_CASE("warm-start options out of range are errors naming the field and the value", "[transfer][errors]") {
  const auto source = source_study({{1.0, "relu", 0.5}, {2.0, "tanh", 0.1}});
  const auto target = target_space();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto from = [&](hpo::WarmStartOptions options) { return hpo::WarmStart::from({source}, target, options); };
  REQUIRE_THROWS_WITH(from({.min_distance = -0.1}), Contains("min_distance") && Contains("-0.1"));
  REQUIRE_THROWS_WITH(from({.min_distance = nan}), Contains("min_distance") && Contains("nan"));
  REQUIRE_THROWS_WITH(from({.region_top = 0}), Contains("region_top") && Contains("got 0"));
  REQUIRE_NOTHROW(from({.region_top = 0, .use_region = false}));
  REQUIRE_THROWS_WITH(from({.region_margin = nan}), Contains("region_margin") && Contains("nan"));
  REQUIRE_THROWS_WITH(from({.region_margin = 1.5}), Contains("region_margin") && Contains("1.5"));
  REQUIRE_THROWS_WITH(from({.outside_fraction = 2.0}), Contains("outside_fraction") && Contains("2"));
  REQUIRE_THROWS_WITH(from({.region_prior_strength = -1.0}), Contains("region_prior_strength") && Contains("-1"));
  REQUIRE_THROWS_WITH(from({.region_prior_width = 0.0}), Contains("region_prior_width") && Contains("got 0"));
  REQUIRE_THROWS_WITH(from({.source_basis_min_log_bayes_factor = nan}), Contains("source_basis_min_log_bayes_factor"));
}

TEST_CASE("initial points: best by rank, merged across sources, spread apart", "[transfer]") {
  const auto a = source_study({{1.0, "relu", 0.1}, {1.1, "relu", 0.2}, {5.0, "tanh", 0.3}, {7.0, "relu", 0.4}});
  const auto b = source_study({{3.0, "tanh", 10.0}, {6.0, "relu", 20.0}});
  const auto warm = hpo::WarmStart::from({a, b}, target_space(), {.initial_points = 4, .min_distance = 0.05});
  std::vector<double> xs;
  for (const auto& c : warm.initial_points()) xs.push_back(c.get<double>("x"));
  // rank 0: a's 1.0, b's 3.0; rank 1: a's 1.1 is within 0.05 of 1.0 in the unit cube -> skipped, b's 6.0;
  // rank 2: a's 5.0.
  REQUIRE(xs == std::vector<double>{1.0, 3.0, 6.0, 5.0});
}

TEST_CASE("the region box spans the sources' top configurations plus a margin", "[transfer]") {
  const auto source = source_study({{2.0, "relu", 0.1}, {4.0, "relu", 0.2}, {8.0, "tanh", 5.0}});
  const auto warm = hpo::WarmStart::from({source}, target_space(), {.region_top = 2, .region_margin = 0.05});
  // x in the target's unit interval: 2/8 = 0.25 and 4/8 = 0.5, widened by 0.05.
  REQUIRE(warm.region_lower()[0] == Approx(0.20));
  REQUIRE(warm.region_upper()[0] == Approx(0.55));
  REQUIRE(warm.region_categories()[1] == std::vector<std::string>{"relu"});
  REQUIRE(warm.region_contains(hpo::Config().set("x", 3.0).set("act", "relu").set("units", 20)));
  REQUIRE_FALSE(warm.region_contains(hpo::Config().set("x", 3.0).set("act", "tanh").set("units", 20)));
  REQUIRE_FALSE(warm.region_contains(hpo::Config().set("x", 7.0).set("act", "relu").set("units", 20)));
  for (double u : {0.0, 0.3, 0.99}) {
    const auto inside = warm.sample_in_region(Eigen::VectorXd::Constant(3, u));
    REQUIRE(warm.region_contains(inside));
  }
}

TEST_CASE("the region's samplers refuse unit points of the wrong size or with a non-finite coordinate",
          "[transfer][errors]") {
  const auto source = source_study({{2.0, "relu", 0.1}, {4.0, "tanh", 0.2}});
  const auto warm = hpo::WarmStart::from({source}, target_space());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index i = 0; i < 3; ++i) {
    Eigen::VectorXd u = Eigen::VectorXd::Constant(3, 0.5);
    u[i] = nan;
    const std::string name = "\"" + target_space()[static_cast<std::size_t>(i)].name + "\"";
    REQUIRE_THROWS_WITH(warm.sample_in_region(u), Contains(name) && Contains("nan"));
    REQUIRE_THROWS_WITH(warm.region_log_prior(u), Contains(name) && Contains("nan"));
  }
  REQUIRE_THROWS_WITH(warm.sample_in_region(Eigen::VectorXd::Constant(2, 0.5)), Contains("2 coordinates for 3"));
  REQUIRE_THROWS_WITH(warm.region_log_prior(Eigen::VectorXd::Constant(4, 0.5)), Contains("4 coordinates for 3"));
  REQUIRE_THROWS_WITH(hpo::WarmStart().sample_in_region(Eigen::VectorXd::Constant(3, 0.5)),
                      Contains("3 coordinates for 0"));
}

TEST_CASE("warm random search: initial points first, then mostly inside the region", "[transfer]") {
  const auto source = source_study({{2.0, "relu", 0.1}, {2.5, "relu", 0.2}, {3.0, "relu", 0.3}, {9.0, "tanh", 5.0}});
  const auto warm = hpo::WarmStart::from({source}, target_space(), {.initial_points = 2, .region_top = 3});
  hpo::RandomSearch random({.seed = 1, .warm_start = warm});
  const auto study = hpo::optimize(target_space(), [](const hpo::Config&) { return 1.0; }, random,
                                   {.max_evaluations = 402, .progress = false});
  REQUIRE(study.trials()[0].config == warm.initial_points()[0]);
  REQUIRE(study.trials()[1].config == warm.initial_points()[1]);
  int inside = 0;
  for (std::size_t i = 2; i < study.trials().size(); ++i) inside += warm.region_contains(study.trials()[i].config);
  // 75% inside by design, plus outside draws that land in the region by chance (region ~ 7% of the
  // cube): expected ~0.77 * 400 = 308 (measured: 308 with seed 1); binomial sd ~8.4.
  INFO("inside: " << inside);
  REQUIRE(inside > 270);
  REQUIRE(inside < 345);
  const auto again =
      hpo::optimize(target_space(), [](const hpo::Config&) { return 1.0; },
                    hpo::RandomSearch({.seed = 1, .warm_start = warm}), {.max_evaluations = 50, .progress = false});
  for (std::size_t i = 0; i < 50; ++i) REQUIRE(again.trials()[i].config == study.trials()[i].config);  // deterministic
  hpo::SearchSpace other;
  other.add_real("x", 0.0, 8.0);
  REQUIRE_THROWS_WITH(
      hpo::optimize(other, [](const hpo::Config&) { return 1.0; }, hpo::RandomSearch({.seed = 1, .warm_start = warm}),
                    {.max_evaluations = 5, .progress = false}),
      Contains("another search space"));
}

TEST_CASE("warm grid search: initial points, the grid inside the region, then the rest", "[transfer]") {
  hpo::SearchSpace space;
  space.add_int("n", 0, 9);
  hpo::Study source(space);
  for (int n : {6, 7}) source.tell(source.ask(hpo::Config().set("n", n)).number, -n);
  const auto warm =
      hpo::WarmStart::from({source}, space, {.initial_points = 1, .region_margin = 0.0, .outside_fraction = 0.25});
  hpo::GridSearch grid({.points_per_dimension = 10, .warm_start = warm});
  const auto study =
      hpo::optimize(space, [](const hpo::Config&) { return 1.0; }, grid, {.max_evaluations = 0, .progress = false});
  std::vector<int> order;
  for (const auto& t : study.trials()) order.push_back(t.config.get<int>("n"));
  // 7 (best source point); then the grid: inside {6, 7} -> 6; outside kept at a quarter: 0, then
  // inside is exhausted so the rest follows in grid order.
  REQUIRE(order == std::vector<int>{7, 0, 6, 1, 2, 3, 4, 5, 8, 9});
}

namespace {
// The order GridSearch had when it filtered the whole grid by region_contains on every ask: the
// initial points, then grid points inside and outside the region, in grid order, with outside
// points at a share outside_fraction of the grid points asked, each side taking over when the
// other is exhausted.
std::vector<hpo::Config> filtered_grid_order(hpo::GridSearch grid, const hpo::SearchSpace& space,
                                             const hpo::WarmStart& warm) {
  const std::uint64_t size = grid.size(space);
  std::vector<hpo::Config> order = warm.initial_points();
  const auto seen = [&](const hpo::Config& c) { return std::find(order.begin(), order.end(), c) != order.end(); };
  std::uint64_t inside_cursor = 0, outside_cursor = 0;
  std::size_t asked = 0, outside_asked = 0;
  const auto next = [&](std::uint64_t& cursor, bool outside) -> std::optional<hpo::Config> {
    for (; cursor < size; ++cursor) {
      auto config = grid.point(cursor);
      if (warm.region_contains(config) != outside && !seen(config)) return config;
    }
    return std::nullopt;
  };
  for (;;) {
    bool outside =
        static_cast<double>(outside_asked) < warm.options().outside_fraction * static_cast<double>(asked + 1);
    auto config = next(outside ? outside_cursor : inside_cursor, outside);
    if (!config) {
      outside = !outside;
      config = next(outside ? outside_cursor : inside_cursor, outside);
    }
    if (!config) return order;
    order.push_back(*config);
    ++asked;
    outside_asked += outside;
  }
}
}  // namespace

TEST_CASE("warm grid search walks the grid inside and outside the region as filtering it would", "[transfer][grid]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 8.0).add_categorical("act", {"relu", "tanh", "gelu"}).add_int("units", 10, 30);
  hpo::Study source(space);
  for (const auto& [x, act, units] :
       {std::tuple{2.0, "tanh", 12}, {2.5, "gelu", 20}, {7.0, "tanh", 30}, {4.0, "relu", 10}})
    source.tell(source.ask(hpo::Config().set("x", x).set("act", act).set("units", units)).number, x + units);
  for (const std::size_t top : {1, 2, 4}) {
    for (const double margin : {0.0, 0.1, 0.5}) {
      for (const double fraction : {0.0, 0.25, 0.6, 1.0}) {
        const auto warm = hpo::WarmStart::from(
            {source}, space,
            {.initial_points = 2, .region_top = top, .region_margin = margin, .outside_fraction = fraction});
        hpo::GridSearch grid({.points_per_dimension = 7, .warm_start = warm});
        const auto study = hpo::optimize(space, [](const hpo::Config&) { return 1.0; }, grid,
                                         {.max_evaluations = 0, .progress = false});
        std::vector<hpo::Config> order;
        for (const auto& t : study.trials()) order.push_back(t.config);
        INFO("region_top " << top << ", margin " << margin << ", outside_fraction " << fraction);
        REQUIRE(order == filtered_grid_order(hpo::GridSearch({.points_per_dimension = 7}), space, warm));
      }
    }
  }
}

TEST_CASE("warm grid search over 6.4e9 points finds the next point inside or outside the region at once",
          "[transfer][grid]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_real("y", 0.0, 1.0);
  hpo::Study source(space);
  // Between grid points (spaced 1/79999): a region of margin 0 around it holds no grid point.
  source.tell(source.ask(hpo::Config().set("x", 0.3).set("y", 0.7)).number, 1.0);
  const auto ask_five = [&](hpo::WarmStartOptions options) {
    hpo::GridSearch grid(
        {.points_per_dimension = 80'000, .warm_start = hpo::WarmStart::from({source}, space, options)});
    REQUIRE(grid.size(space) == 6'400'000'000);
    return hpo::optimize(space, [](const hpo::Config&) { return 1.0; }, grid,
                         {.max_evaluations = 5, .progress = false});
  };
  const auto grid_y = [](int i) { return i / 79'999.0; };
  // No grid point inside: after the initial point, the grid from its start, all outside.
  const auto empty_region = ask_five({.initial_points = 1, .region_margin = 0.0});
  REQUIRE(empty_region.trials()[1].config.get<double>("y") == 0.0);
  REQUIRE(empty_region.trials()[4].config.get<double>("y") == grid_y(3));
  // Every grid point inside (the region is the whole cube): the grid from its start.
  const auto whole_region = ask_five({.initial_points = 1, .region_margin = 1.0});
  REQUIRE(whole_region.trials()[4].config.get<double>("y") == grid_y(3));
  // Without the region part: the grid from its start as well.
  const auto no_region = ask_five({.initial_points = 1, .use_region = false});
  REQUIRE(no_region.trials()[4].config.get<double>("y") == grid_y(3));
  // A region inside the grid: its first point inside comes after the first point outside.
  const auto box = ask_five({.initial_points = 1, .region_margin = 0.01});
  REQUIRE(box.trials()[2].config.get<double>("x") >= 0.29 - 1e-9);
  REQUIRE(box.trials()[2].config.get<double>("y") >= 0.69 - 1e-9);
}

// ---- RGPE weights and the warm-started Bayesian optimization ------------------------------------

namespace {
// The target of the surrogate tests: a smooth bowl on [0, 1]^2 with its minimum at (0.3, 0.7).
double bowl(const hpo::Config& c) {
  const double x = c.get<double>("x"), y = c.get<double>("y");
  return (x - 0.3) * (x - 0.3) + 2.0 * (y - 0.7) * (y - 0.7);
}

// A source study of 40 uniform random points of `scale * bowl + offset`.
hpo::Study bowl_source(double scale, double offset) {
  hpo::Study study(hpo_test::unit_square());
  hpo::RandomSearch random({.seed = 11});
  for (int i = 0; i < 40; ++i) {
    auto trial = *study.ask(random);
    study.tell(trial.number, scale * bowl(trial.config) + offset);
  }
  return study;
}
}  // namespace

TEST_CASE("ranking weights: a source that orders the observations right wins, its negation gets zero", "[transfer]") {
  hpo::Rng rng(3, 0);
  Eigen::VectorXd y(20);
  for (auto& v : y) v = rng.normal();
  const Eigen::VectorXd tiny = Eigen::VectorXd::Constant(20, 1e-6);
  // The target's own leave-one-out model: right on average but noisy (sd 1 against values of sd 1).
  Eigen::VectorXd noisy(20);
  for (auto& v : noisy) v = rng.normal();
  const hpo::transfer::PointPredictions target{y + noisy, Eigen::VectorXd::Constant(20, 1.0)};
  // A source on another scale and offset, ordering every pair right; and its negation.
  const hpo::transfer::PointPredictions identical{(100.0 * y).array() + 7.0, tiny};
  const hpo::transfer::PointPredictions negated{-y, tiny};
  const Eigen::VectorXd w = hpo::transfer::ranking_weights({identical, negated}, target, y, {.seed = 1});
  INFO("weights " << w.transpose());
  REQUIRE(w.size() == 3);
  REQUIRE(w.sum() == Approx(1.0));
  REQUIRE(w[0] == Approx(1.0));  // no draw of the noisy target orders all 190 pairs right
  REQUIRE(w[1] == 0.0);
  REQUIRE(w[2] == Approx(0.0).margin(1e-12));
  // Same seed, same weights; fewer than 3 observations carry no order: equal weights.
  REQUIRE(hpo::transfer::ranking_weights({identical, negated}, target, y, {.seed = 1}) == w);
  const hpo::transfer::PointPredictions two{Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2)};
  REQUIRE(hpo::transfer::ranking_weights({two}, two, Eigen::VectorXd::Zero(2)).isApproxToConstant(0.5));
  REQUIRE_THROWS_WITH(hpo::transfer::ranking_weights({two}, target, y),
                      Contains("source 0 predicts 2 points, expected 20"));
  // The dilution quantile indexes the sorted losses: NaN or beyond [0, 1] is refused, naming it.
  for (const double q : {std::nan(""), -0.5, 1.5})
    REQUIRE_THROWS_WITH(hpo::transfer::ranking_weights({identical}, target, y, {.dilution_quantile = q}),
                        Contains("dilution_quantile"));
  REQUIRE_THROWS_WITH(hpo::transfer::ranking_weights({identical}, target, y, {.samples = 0}), Contains("samples"));
}

TEST_CASE("the ranking loss counted fast equals the pairwise count, ties included", "[transfer]") {
  const auto pairwise = [](const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
    double loss = 0.0;
    for (Eigen::Index j = 0; j < y.size(); ++j)
      for (Eigen::Index k = j + 1; k < y.size(); ++k)
        if (y[j] != y[k] && (f[j] < f[k]) != (y[j] < y[k])) loss += 1.0;
    return loss;
  };
  hpo::Rng rng(11, 0);
  // Sizes on both sides of kPairwiseUpTo: pair by pair below it, merge sort above.
  const auto pairwise_up_to = static_cast<int>(hpo::transfer::detail::ValueOrder::kPairwiseUpTo);
  for (int trial = 0; trial < 260; ++trial) {
    const auto n = static_cast<Eigen::Index>(trial < 200 ? 1 + trial % 37 : pairwise_up_to - 5 + (trial - 200) % 12);
    Eigen::VectorXd f(n), y(n);
    // Few distinct levels in half the trials, so that both f and y have ties.
    const double levels = trial % 2 == 0 ? 4.0 : 1e9;
    for (Eigen::Index i = 0; i < n; ++i) {
      y[i] = std::floor(rng.uniform() * levels);
      f[i] = std::floor(rng.uniform() * levels);
    }
    INFO("n = " << n << ", levels = " << levels);
    REQUIRE(hpo::transfer::misranked_pairs(f, y) == pairwise(f, y));
  }
}

TEST_CASE("a source counts for the region prior only when it orders the target better than chance", "[transfer]") {
  Eigen::VectorXd y(5);
  y << 1, 2, 3, 4, 5;
  Eigen::VectorXd f = y;
  REQUIRE(hpo::transfer::orders_better_than_chance(f, y));  // tau 1
  std::swap(f[0], f[1]);
  REQUIRE(hpo::transfer::orders_better_than_chance(f, y));  // tau 0.8: z = 1.96
  std::swap(f[3], f[4]);
  REQUIRE_FALSE(hpo::transfer::orders_better_than_chance(f, y));  // tau 0.6: z = 1.47, not at 5%
  REQUIRE_FALSE(hpo::transfer::orders_better_than_chance(-y, y));
  // About the same tau on more points is evidence: 20 points in four reversed blocks of 5 misrank
  // 40 of 190 pairs, tau 0.58, z = 3.6; reversed blocks of 10 misrank 90 pairs, tau 0.05.
  Eigen::VectorXd many(20), blocks_of_5(20), blocks_of_10(20);
  for (int i = 0; i < 20; ++i) {
    many[i] = i;
    blocks_of_5[i] = 5 * (i / 5) + (4 - i % 5);
    blocks_of_10[i] = 10 * (i / 10) + (9 - i % 10);
  }
  REQUIRE(hpo::transfer::misranked_pairs(blocks_of_5, many) == 40.0);
  REQUIRE(hpo::transfer::orders_better_than_chance(blocks_of_5, many));
  REQUIRE(hpo::transfer::misranked_pairs(blocks_of_10, many) == 90.0);
  REQUIRE_FALSE(hpo::transfer::orders_better_than_chance(blocks_of_10, many));
  REQUIRE_FALSE(hpo::transfer::orders_better_than_chance(y.head(2), y.head(2)));  // too few points
}

TEST_CASE("warm Bayesian optimization: a source like the target gets weight, its negation none", "[transfer]") {
  const auto run = [](const hpo::Study& source, std::uint64_t seed) {
    const auto warm = hpo::WarmStart::from({source}, hpo_test::unit_square());
    hpo::BayesianOptimization bo({.seed = seed, .warm_start = warm});
    auto study = hpo::optimize(hpo_test::unit_square(), bowl, bo, {.max_evaluations = 20, .progress = false});
    return std::pair{bo.transfer_weights(), study};
  };
  // The identical source is on another scale and offset: only its ordering crosses over.
  const auto [same, same_study] = run(bowl_source(50.0, -3.0), 1);
  const auto [negated, negated_study] = run(bowl_source(-1.0, 0.0), 1);
  INFO("identical source weight " << same[0] << ", negated source weight " << negated[0]);
  REQUIRE(same.size() == 2);
  REQUIRE(negated.size() == 2);
  // Measured with seed 1: 0.59 and 0.
  REQUIRE(same[0] > 0.25);
  REQUIRE(negated[0] < 0.02);
  // The record in the study carries the current weights.
  const auto record = same_study.warm_start_record();
  REQUIRE(record);
  REQUIRE(record->at("optimizer") == "bayesian_optimization");
  REQUIRE(record->at("sources")[0].at("weight").get<double>() == Approx(same[0]).margin(0.005));
  // Only the source that orders the target's observations counts for the region prior.
  REQUIRE(record->at("sources")[0].at("orders_target") == true);
  REQUIRE(negated_study.warm_start_record()->at("sources")[0].at("orders_target") == false);
  // The transferred initial points are evaluated first, the best source configuration first.
  const auto warm = hpo::WarmStart::from({bowl_source(50.0, -3.0)}, hpo_test::unit_square());
  REQUIRE(warm.initial_points().size() == 5);
  for (std::size_t i = 0; i < warm.initial_points().size(); ++i)
    REQUIRE(same_study.trials()[i].config == warm.initial_points()[i]);
  // The warm start helps here: the best after 20 is close to the optimum 0.
  REQUIRE(same_study.best().value < 1e-3);
}

TEST_CASE("past the full refits, the RGPE weights change at the model's refits only", "[transfer]") {
  // Full refits on every ask up to 10 observations, then a refit every few: the ranking draws
  // follow the refits, so between two refits the weights stay as they were.
  const auto warm = hpo::WarmStart::from({bowl_source(50.0, -3.0)}, hpo_test::unit_square());
  hpo::BayesianOptimization bo({.seed = 2, .warm_start = warm, .full_refit_until = 10});
  hpo::Study study(hpo_test::unit_square());
  std::vector<Eigen::VectorXd> weights;  // after each ask past the full refits
  int changes_before = 0;                // ... and how often they changed on the asks before
  Eigen::VectorXd last;
  for (int i = 0; i < 40; ++i) {
    const auto trial = *study.ask(bo);
    const Eigen::VectorXd& now = bo.transfer_weights();
    if (study.completed_count() > 10)
      weights.push_back(now);
    else if (last.size() > 0 && now.size() > 0 && now != last)
      ++changes_before;
    last = now;
    study.tell(trial.number, bowl(trial.config));
  }
  int changes = 0;
  for (std::size_t i = 1; i < weights.size(); ++i) changes += weights[i] != weights[i - 1];
  INFO("weights changed on " << changes_before << " asks up to 10 observations, then on " << changes << " of "
                             << weights.size() - 1 << " asks");
  CHECK(changes_before >= 2);  // every ask re-weighs while every ask refits in full
  CHECK(changes >= 1);
  CHECK(changes <= 12);  // 6 measured: one per refit; re-weighing every ask changes them on most
}

TEST_CASE("the RGPE weights are drawn for global steps only", "[transfer]") {
  // Every ask refits up to 31 observations, and every second model-based ask is a local step,
  // which does not use the weights: they are drawn at the global steps alone, so they never change
  // on two asks in a row. With every step global, they are drawn at every refit.
  const auto warm = hpo::WarmStart::from({bowl_source(50.0, -3.0)}, hpo_test::unit_square());
  const auto changes = [&](std::size_t exploit_every) {
    hpo::BayesianOptimization bo({.seed = 2, .warm_start = warm, .exploit_every = exploit_every});
    hpo::Study study(hpo_test::unit_square());
    std::pair<int, int> count{0, 0};  // asks that changed the weights; of them, right after another
    bool changed_last = false;
    Eigen::VectorXd last;
    for (int i = 0; i < 25; ++i) {
      const auto trial = *study.ask(bo);
      const Eigen::VectorXd now = bo.transfer_weights();
      const bool changed = last.size() > 0 && now != last;
      count.first += changed;
      count.second += changed && changed_last;
      changed_last = changed;
      last = now;
      study.tell(trial.number, bowl(trial.config));
    }
    return count;
  };
  const auto alternating = changes(2);
  const auto global = changes(0);
  INFO("global and local steps: " << alternating.first << " changes, " << alternating.second
                                  << " right after another; global steps only: " << global.first << ", "
                                  << global.second);
  CHECK(alternating.first >= 3);
  CHECK(alternating.second == 0);
  CHECK(global.second >= 3);
}

TEST_CASE("warm Bayesian optimization is deterministic for a seed", "[transfer]") {
  const auto warm = hpo::WarmStart::from({bowl_source(1.0, 0.0)}, hpo_test::unit_square());
  const auto first =
      hpo::optimize(hpo_test::unit_square(), bowl, hpo::BayesianOptimization({.seed = 4, .warm_start = warm}),
                    {.max_evaluations = 15, .progress = false});
  const auto second =
      hpo::optimize(hpo_test::unit_square(), bowl, hpo::BayesianOptimization({.seed = 4, .warm_start = warm}),
                    {.max_evaluations = 15, .progress = false});
  for (std::size_t i = 0; i < 15; ++i) REQUIRE(first.trials()[i].config == second.trials()[i].config);
}

TEST_CASE("the warm-start record is in the journal and survives a resume, and no target trial is lost", "[transfer]") {
  const auto dir = std::filesystem::temp_directory_path() / "hpo_test_warm_record";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string source_path = (dir / "source.jsonl").string();
  bowl_source(1.0, 0.0).save(source_path);
  const auto warm = hpo::WarmStart::from({hpo::Study::load(source_path)}, hpo_test::unit_square());
  const std::string journal = (dir / "target.jsonl").string();
  hpo::optimize(hpo_test::unit_square(), bowl, hpo::BayesianOptimization({.seed = 2, .warm_start = warm}),
                {.max_evaluations = 10, .journal = journal, .progress = false});
  const auto interrupted = hpo::Study::load(journal);
  REQUIRE(interrupted.trials().size() == 10);
  auto record = interrupted.warm_start_record();
  REQUIRE(record);
  REQUIRE(record->at("sources")[0].at("origin") == source_path);
  REQUIRE(record->at("sources")[0].at("trials") == 40);
  REQUIRE(record->at("sources")[0].contains("weight"));
  const auto resumed =
      hpo::optimize(hpo_test::unit_square(), bowl, hpo::BayesianOptimization({.seed = 2, .warm_start = warm}),
                    {.max_evaluations = 14, .journal = journal, .progress = false});
  REQUIRE(resumed.trials().size() == 14);
  for (std::size_t i = 0; i < 10; ++i) REQUIRE(resumed.trials()[i].config == interrupted.trials()[i].config);
  REQUIRE(hpo::Study::load(journal).warm_start_record());
  // A resumed study whose new run is cold keeps the earlier record.
  const auto cold_resume = hpo::optimize(hpo_test::unit_square(), bowl, hpo::RandomSearch({.seed = 2}),
                                         {.max_evaluations = 16, .journal = journal, .progress = false});
  REQUIRE(cold_resume.warm_start_record());
  std::filesystem::remove_all(dir);
}

TEST_CASE("random, grid and gradient descent record their warm start too", "[transfer]") {
  const auto warm = hpo::WarmStart::from({bowl_source(1.0, 0.0)}, hpo_test::unit_square(), {.initial_points = 2});
  const auto random = hpo::optimize(hpo_test::unit_square(), bowl, hpo::RandomSearch({.seed = 1, .warm_start = warm}),
                                    {.max_evaluations = 4, .progress = false});
  const auto grid =
      hpo::optimize(hpo_test::unit_square(), bowl, hpo::GridSearch({.points_per_dimension = 3, .warm_start = warm}),
                    {.max_evaluations = 4, .progress = false});
  const auto gd = hpo::optimize(hpo_test::unit_square(), bowl,
                                hpo::GradientDescent({.seed = 1, .learning_rate = 0.05, .warm_start = warm}),
                                {.max_evaluations = 6, .progress = false});
  REQUIRE(random.warm_start_record()->at("optimizer") == "random_search");
  REQUIRE(grid.warm_start_record()->at("optimizer") == "grid_search");
  REQUIRE(gd.warm_start_record()->at("optimizer") == "gradient_descent");
  REQUIRE(random.warm_start_record()->at("initial_points") == 2);
  // Each lists only the parts it acts on; the surrogate and the source basis are Bayesian
  // optimization's, and gradient descent starts from the first transferred point only.
  REQUIRE(random.warm_start_record()->at("parts").dump() == R"(["initial_points","region"])");
  REQUIRE(grid.warm_start_record()->at("parts").dump() == R"(["initial_points","region"])");
  REQUIRE(gd.warm_start_record()->at("parts").dump() == R"(["initial_points"])");
  const auto cold = hpo::optimize(hpo_test::unit_square(), bowl, hpo::RandomSearch({.seed = 1}),
                                  {.max_evaluations = 4, .progress = false});
  REQUIRE_FALSE(cold.warm_start_record());
}

TEST_CASE("source basis: a target that is a linear combination of the sources' means is recovered", "[transfer]") {
  const auto f1 = [](double x) { return std::sin(6.0 * x); };
  const auto f2 = [](double x) { return x * x; };
  const auto target = [&](double x) { return 3.0 + 2.0 * f1(x) - 0.5 * f2(x); };
  Eigen::MatrixXd h(30, 2);
  Eigen::VectorXd y(30);
  for (int r = 0; r < 30; ++r) {
    const double x = r / 29.0;
    h.row(r) << f1(x), f2(x);
    y[r] = target(x);
  }
  const auto basis = hpo::transfer::SourceBasis::fit(h, y);
  REQUIRE(basis.columns == std::vector<Eigen::Index>{0, 1});
  REQUIRE(basis.noise_variance == Approx(1e-4));  // the exact fit has the most evidence at the smallest noise
  const Eigen::Vector2d fresh(f1(0.55), f2(0.55));
  REQUIRE(basis.mean(fresh) == Approx(target(0.55)).margin(1e-3));
  REQUIRE(basis.variance(fresh) < 1e-3);
  // The batch prediction agrees with the one-point mean and variance.
  const auto batch = basis.predict(h);
  for (Eigen::Index r = 0; r < h.rows(); ++r) {
    REQUIRE(batch.mean[r] == Approx(basis.mean(h.row(r).transpose())).epsilon(1e-12));
    REQUIRE(batch.variance[r] == Approx(basis.variance(h.row(r).transpose())).epsilon(1e-9).margin(1e-15));
  }
  // The gradients with respect to the source means match central differences.
  const double step = 1e-6;
  for (Eigen::Index i = 0; i < 2; ++i) {
    Eigen::Vector2d up = fresh, down = fresh;
    up[i] += step;
    down[i] -= step;
    REQUIRE(basis.mean_gradient(2)[i] == Approx((basis.mean(up) - basis.mean(down)) / (2 * step)).epsilon(1e-6));
    REQUIRE(basis.variance_gradient(fresh)[i] ==
            Approx((basis.variance(up) - basis.variance(down)) / (2 * step)).margin(1e-8));
  }
  // With the second source left out, the first alone cannot explain x^2: the fit is looser.
  const auto partial = hpo::transfer::SourceBasis::fit(h, y, {true, false});
  REQUIRE(partial.columns == std::vector<Eigen::Index>{0});
  REQUIRE(partial.mean_gradient(2)[1] == 0.0);
  REQUIRE(partial.predict(h).mean[7] == Approx(partial.mean(h.row(7).transpose())).epsilon(1e-12));
  REQUIRE(partial.noise_variance > basis.noise_variance);
  REQUIRE_THROWS_WITH(hpo::transfer::SourceBasis::fit(h, y.head(3)), Contains("one value per feature row"));
}

// Sources sample their own optimum densely and the rest of the space barely, so a source GP's
// variance is large wherever the source did not look. The ensemble takes the sources' means and
// the target's variance only, unweighted: otherwise the acquisition chases the sources' blind spots.
TEST_CASE("the RGPE ensemble mixes the sources' means and keeps the target's variance", "[transfer]") {
  const auto fit = [](const std::function<double(double, double)>& f, const Eigen::MatrixXd& X) {
    Eigen::VectorXd y(X.rows());
    for (Eigen::Index r = 0; r < X.rows(); ++r) y[r] = f(X(r, 0), X(r, 1));
    hpo::gp::SelectedGaussianProcess gp({.seed = 3}, hpo::gp::SelectedKernel(0, hpo::KernelType::Matern52));
    gp.fit(X, y);
    return gp;
  };
  const auto bowl = [](double a, double b) { return (a - 0.1) * (a - 0.1) + (b - 0.15) * (b - 0.15); };
  const auto wave = [](double a, double b) { return std::sin(5.0 * a) + b; };
  const auto grid = [](int side, double low, double high) {
    Eigen::MatrixXd X(side * side, 2);
    for (int r = 0; r < side * side; ++r)
      X.row(r) << low + (high - low) * (r % side) / (side - 1), low + (high - low) * (r / side) / (side - 1);
    return X;
  };
  const Eigen::MatrixXd clustered = grid(4, 0.0, 0.2), spread = grid(3, 0.05, 0.95);
  const std::vector<hpo::gp::SelectedGaussianProcess> sources{fit(bowl, clustered), fit(wave, clustered)};
  const auto target = fit([&](double a, double b) { return bowl(a, b) + 0.1 * wave(a, b); }, spread);

  const hpo::transfer::CombinedSurrogate surrogate{
      .target = &target, .sources = &sources, .weights = Eigen::Vector3d(0.3, 0.2, 0.5), .mean = 1.5, .scale = 2.0};
  Eigen::MatrixXd Z(3, 2);
  Z << 0.1, 0.1, 0.5, 0.4, 0.9, 0.95;
  const auto batch = surrogate.predict(Z);
  const auto alone = target.predict(Z);
  for (Eigen::Index r = 0; r < Z.rows(); ++r) {
    const Eigen::MatrixXd z = Z.row(r);
    double mixed = 0.5 * alone.mean[r];
    for (std::size_t i = 0; i < 2; ++i)
      mixed += surrogate.weights[static_cast<Eigen::Index>(i)] * (1.5 + 2.0 * sources[i].predict_mean(z)[0]);
    REQUIRE(batch.mean[r] == Approx(mixed).epsilon(1e-12));
    REQUIRE(batch.variance[r] == Approx(alone.variance[r]).epsilon(1e-12));
  }
  // The premise: far from the cluster a source's variance is many times what it is inside.
  const auto source_far = sources[0].predict(Z);
  REQUIRE(source_far.variance[2] > 10.0 * source_far.variance[0]);

  // One point with gradients agrees with the batch, and its gradients with central differences.
  const Eigen::Vector2d z(0.5, 0.4);
  const auto p = surrogate.predict_with_gradient(z);
  REQUIRE(p.mean == Approx(batch.mean[1]).epsilon(1e-10));
  REQUIRE(p.variance == Approx(batch.variance[1]).epsilon(1e-10));
  const double step = 1e-6;
  for (Eigen::Index d = 0; d < 2; ++d) {
    Eigen::MatrixXd up = z.transpose(), down = z.transpose();
    up(0, d) += step;
    down(0, d) -= step;
    const auto hi = surrogate.predict(up), lo = surrogate.predict(down);
    REQUIRE(p.mean_gradient[d] == Approx((hi.mean[0] - lo.mean[0]) / (2 * step)).margin(1e-6));
    REQUIRE(p.variance_gradient[d] == Approx((hi.variance[0] - lo.variance[0]) / (2 * step)).margin(1e-6));
  }
}

TEST_CASE("source basis: the evidence lets in a source that explains the target and keeps out noise", "[transfer]") {
  Eigen::MatrixXd X(25, 1), features(25, 2);
  Eigen::VectorXd t(25);
  hpo::Rng rng(5, 0);
  for (int r = 0; r < 25; ++r) {
    const double x = r / 24.0;
    X(r, 0) = x;
    features(r, 0) = std::cos(9.0 * x);  // wigglier than the kernel's length scale: the GP alone fits it badly
    features(r, 1) = rng.normal();
  }
  t = features.col(0);
  t = (t.array() - t.mean()) / std::sqrt((t.array() - t.mean()).square().mean());
  hpo::gp::Matern52 kernel(Eigen::VectorXd::Constant(1, 0.3), 1.0);
  Eigen::MatrixXd covariance = kernel.matrix(X);
  covariance.diagonal().array() += 0.01;
  REQUIRE(hpo::transfer::select_sources_by_evidence(covariance, t, features, 1.0) == std::vector<bool>{true, false});
  // Values that neither source explains: neither enters.
  Eigen::VectorXd smooth(25);
  for (int r = 0; r < 25; ++r) smooth[r] = X(r, 0) - 0.5;
  REQUIRE(hpo::transfer::select_sources_by_evidence(covariance, smooth, features, 1.0) ==
          std::vector<bool>{false, false});
}

// The evidence of one subset by a factorization of its own covariance, K + s^2 (11^T + F_S F_S^T):
// the definition that select_sources_by_evidence computes by low-rank updates of one factorization.
static double direct_log_evidence(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& t,
                                  const Eigen::MatrixXd& features, double prior_scale, const std::vector<bool>& use) {
  Eigen::MatrixXd c = covariance;
  c.array() += prior_scale * prior_scale;
  for (Eigen::Index i = 0; i < features.cols(); ++i)
    if (use[static_cast<std::size_t>(i)]) c += prior_scale * prior_scale * features.col(i) * features.col(i).transpose();
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  return -0.5 * llt.matrixL().solve(t).squaredNorm() - llt.matrixLLT().diagonal().array().log().sum();
}

static std::vector<bool> direct_greedy_selection(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& t,
                                                 const Eigen::MatrixXd& features, double prior_scale, double bar) {
  std::vector<bool> selected(static_cast<std::size_t>(features.cols()), false);
  double current = direct_log_evidence(covariance, t, features, prior_scale, selected);
  while (true) {
    double best = current;
    int best_source = -1;
    for (int i = 0; i < features.cols(); ++i) {
      if (selected[i]) continue;
      selected[i] = true;
      const double value = direct_log_evidence(covariance, t, features, prior_scale, selected);
      selected[i] = false;
      if (value > best) best = value, best_source = i;
    }
    if (best_source < 0 || !(best - current > bar)) return selected;
    selected[best_source] = true;
    current = best;
  }
}

TEST_CASE("source basis: the evidence by low-rank updates selects as one factorization per subset does",
          "[transfer]") {
  // Targets mixing two or three of six wiggly features plus a smooth part and noise, so that the
  // greedy search takes several steps; the two computations must agree on every problem.
  std::size_t multi_source_problems = 0;
  for (std::uint64_t problem = 0; problem < 30; ++problem) {
    hpo::Rng rng(problem, 1);
    const int n = 20 + static_cast<int>(problem % 4) * 10;
    Eigen::MatrixXd X(n, 2), features(n, 6);
    for (int r = 0; r < n; ++r) X.row(r) << rng.uniform(), rng.uniform();
    for (int c = 0; c < 6; ++c) {
      const double a = 3.0 + 6.0 * rng.uniform(), b = 3.0 + 6.0 * rng.uniform();
      for (int r = 0; r < n; ++r) features(r, c) = std::sin(a * X(r, 0) + c) * std::cos(b * X(r, 1));
    }
    Eigen::VectorXd t = Eigen::VectorXd::Zero(n);
    for (int c = 0; c < 2 + static_cast<int>(problem % 2); ++c) t += (0.5 + rng.uniform()) * features.col(c * 2);
    for (int r = 0; r < n; ++r) t[r] += 0.3 * (X(r, 0) - 0.5) + 0.05 * rng.normal();
    t = (t.array() - t.mean()) / std::sqrt((t.array() - t.mean()).square().mean());
    hpo::gp::Matern52 kernel(Eigen::VectorXd::Constant(2, 0.4), 1.0);
    Eigen::MatrixXd covariance = kernel.matrix(X);
    covariance.diagonal().array() += 0.01;
    for (const double bar : {0.0, std::log(3.0)}) {
      const auto fast = hpo::transfer::select_sources_by_evidence(covariance, t, features, 0.7, bar);
      REQUIRE(fast == direct_greedy_selection(covariance, t, features, 0.7, bar));
      if (std::count(fast.begin(), fast.end(), true) >= 2) ++multi_source_problems;
    }
  }
  REQUIRE(multi_source_problems >= 20);
}

namespace {
// `count` sources of `trials` uniform random points on the unit square, source s (seed
// first_seed + s) of sin(12 x + phase_step * s): they vary quickly along x and not at all along y.
std::vector<hpo::Study> sine_sources(int count, int trials, std::uint64_t first_seed, double phase_step) {
  std::vector<hpo::Study> sources;
  for (int s = 0; s < count; ++s) {
    hpo::Study study(hpo_test::unit_square());
    hpo::RandomSearch random({.seed = first_seed + static_cast<std::uint64_t>(s)});
    for (int i = 0; i < trials; ++i) {
      const auto trial = *study.ask(random);
      study.tell(trial.number, std::sin(12.0 * trial.config.get<double>("x") + phase_step * s));
    }
    sources.push_back(std::move(study));
  }
  return sources;
}
}  // namespace

TEST_CASE("the source basis's remainder fit starts from its own last one, and reset forgets it", "[transfer]") {
  // Between two refits the target GP is fitted to the values (which move its hyperparameters
  // there), then fit_basis refits it to what the basis leaves of them. That second fit starts
  // from the last remainder fit the surrogate made; a fresh surrogate starts from the values'.
  const std::vector<hpo::Study> sources = sine_sources(3, 30, 60, 0.1);
  const auto warm = hpo::WarmStart::from(sources, hpo_test::unit_square());
  const hpo::ModelEncoding encoding(hpo_test::unit_square());
  hpo::Rng rng(9, 0);
  const auto uniform = [&](Eigen::Index n) {
    Eigen::MatrixXd X(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) X.row(i) << rng.uniform(), rng.uniform();
    return X;
  };
  const auto target = [](const Eigen::MatrixXd& X) {
    Eigen::VectorXd y(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) y(i) = std::sin(12.0 * X(i, 0) + 0.3) + 0.2 * X(i, 1);
    return y;
  };
  const Eigen::MatrixXd earlier = uniform(12), X = uniform(20);
  hpo::gp::SelectedGaussianProcess model({.seed = 1}, hpo::gp::SelectedKernel(0, hpo::KernelType::Matern52));
  hpo::transfer::TransferSurrogate remembering, fresh;
  model.fit(earlier, target(earlier), 0);
  remembering.fit_basis(warm, encoding, model, earlier, target(earlier));
  REQUIRE_FALSE(remembering.basis().empty());
  model.fit(X, target(X), 0);
  const hpo::gp::SelectedGaussianProcess fitted_to_values = model;
  hpo::gp::SelectedGaussianProcess fresh_model = fitted_to_values, after_reset = fitted_to_values;
  remembering.fit_basis(warm, encoding, model, X, target(X));
  fresh.fit_basis(warm, encoding, fresh_model, X, target(X));
  REQUIRE_FALSE(fresh.basis().empty());
  CHECK(model.log_hyperparameters() != fresh_model.log_hyperparameters());
  remembering.reset(false);
  remembering.fit_basis(warm, encoding, after_reset, X, target(X));
  CHECK(after_reset.log_hyperparameters() == fresh_model.log_hyperparameters());
}

TEST_CASE("the sources' length scales become the target GP's length-scale prior", "[transfer]") {
  // Sources that vary quickly along x and not at all along y: their GPs fit a short length scale
  // in x and a long one in y, and the learned prior must say so dimension by dimension.
  std::vector<hpo::Study> sources = sine_sources(5, 40, 20, 1.0);
  const auto warm = hpo::WarmStart::from(sources, hpo_test::unit_square());
  const hpo::ModelEncoding encoding(hpo_test::unit_square());
  hpo::transfer::TransferSurrogate transfer;
  const auto priors = transfer.hyperparameter_priors(warm, encoding);
  const auto defaults = hpo::gp::HyperparameterPriors::for_dimension(2);
  REQUIRE(priors.length_scale_mu.size() == 2);
  const double mode_x = priors.length_scale_of(0).log_mode(), mode_y = priors.length_scale_of(1).log_mode();
  INFO("learned modes of ln length scale: x " << mode_x << ", y " << mode_y << "; default "
                                              << defaults.length_scale.log_mode());
  // sin(12 x) turns every 0.26 in x: a length scale of about 0.1 (ln -2.3); y is irrelevant.
  CHECK(mode_x < std::log(0.3));
  CHECK(mode_y > mode_x + 2.0);
  REQUIRE(priors.length_scale.sigma == hpo::transfer::TransferSurrogate::kLengthScalePriorSigma);
  // The other priors stay the defaults.
  REQUIRE(priors.signal_variance.mu == defaults.signal_variance.mu);
  REQUIRE(priors.noise_variance.mu == defaults.noise_variance.mu);
  // The density peaks at the learned mode, per dimension.
  Eigen::VectorXd at_mode(4), off_mode(4), gradient(4);
  at_mode << mode_x, mode_y, 0.0, -6.0;
  off_mode << mode_x + 1.0, mode_y - 1.0, 0.0, -6.0;
  REQUIRE(priors.log_density(at_mode) > priors.log_density(off_mode));
  gradient = priors.log_density_gradient(at_mode);
  REQUIRE(std::abs(gradient[0]) < 1e-12);
  REQUIRE(std::abs(gradient[1]) < 1e-12);

  // Four sources are too few for a centre: the defaults.
  sources.pop_back();
  hpo::transfer::TransferSurrogate few;
  const auto fallback = few.hyperparameter_priors(hpo::WarmStart::from(sources, hpo_test::unit_square()), encoding);
  REQUIRE(fallback.length_scale_mu.size() == 0);
  REQUIRE(fallback.length_scale.mu == defaults.length_scale.mu);
  REQUIRE(fallback.length_scale.sigma == defaults.length_scale.sigma);
}

TEST_CASE("warm Bayesian optimization fits its model under the learned prior from 5 sources on", "[transfer]") {
  std::vector<hpo::Study> sources = sine_sources(5, 30, 40, 0.1);
  const auto objective = [](const hpo::Config& c) { return std::sin(12.0 * c.get<double>("x") + 0.3); };
  std::string parts;  // of the last run's warm-start record
  const auto configs = [&](const std::vector<hpo::Study>& library, bool prior) {
    const auto warm =
        hpo::WarmStart::from(library, hpo_test::unit_square(), {.use_hyperparameter_prior = prior});
    hpo::BayesianOptimization bo({.seed = 4, .warm_start = warm});
    const auto study = hpo::optimize(hpo_test::unit_square(), objective, bo, {.max_evaluations = 12, .progress = false});
    parts = study.warm_start_record()->at("parts").dump();
    std::vector<hpo::Config> result;
    for (const auto& trial : study.trials()) result.push_back(trial.config);
    return result;
  };
  // Five sources: the prior moves the model, so the model-based asks (after the 5 transferred
  // points) differ with the part on and off.
  const auto with_prior = configs(sources, true);
  REQUIRE(parts == R"(["initial_points","region","surrogate","source_basis","hyperparameter_prior"])");
  const auto without_prior = configs(sources, false);
  REQUIRE(parts == R"(["initial_points","region","surrogate","source_basis"])");
  REQUIRE(with_prior.size() == 12);
  REQUIRE(std::equal(with_prior.begin(), with_prior.begin() + 5, without_prior.begin()));
  REQUIRE(with_prior != without_prior);
  // Four: the part leaves the default prior, and the run is the run without it; the record does
  // not list it.
  sources.pop_back();
  const auto four_with_prior = configs(sources, true);
  REQUIRE(parts == R"(["initial_points","region","surrogate","source_basis"])");
  REQUIRE(four_with_prior == configs(sources, false));
}

TEST_CASE("warm Bayesian optimization regresses on a related source and leaves an unrelated one out", "[transfer]") {
  hpo::Study unrelated(hpo_test::unit_square());
  hpo::RandomSearch random({.seed = 12});
  for (int i = 0; i < 40; ++i) {
    auto trial = *unrelated.ask(random);
    const double x = trial.config.get<double>("x"), y = trial.config.get<double>("y");
    unrelated.tell(trial.number, std::sin(12.0 * x) * std::cos(9.0 * y));
  }
  const auto warm = hpo::WarmStart::from({bowl_source(50.0, -3.0), unrelated}, hpo_test::unit_square());
  hpo::BayesianOptimization bo({.seed = 2, .warm_start = warm});
  hpo::Study study(hpo_test::unit_square());
  // The evidence is re-weighed at every ask: the related source is in the regression on some asks
  // (once the GP alone explains the values near the optimum, no longer), the unrelated one on none.
  int related_in = 0;
  for (int i = 0; i < 20; ++i) {
    const auto trial = study.ask(bo);
    REQUIRE(trial);
    study.tell(trial->number, bowl(trial->config));
    const auto record = study.warm_start_record();
    REQUIRE(record);
    INFO("trial " << i << ": " << record->dump());
    // Two sources are too few for the learned length-scale prior: it is not listed.
    REQUIRE(record->at("parts").dump() == R"(["initial_points","region","surrogate","source_basis"])");
    // The flag appears with the first model-based ask (after the 5 transferred points).
    REQUIRE(record->at("sources")[1].value("in_regression", false) == false);
    related_in += record->at("sources")[0].value("in_regression", false) ? 1 : 0;
  }
  // Measured with seed 2: 7 of the 15 model-based asks (seeds 0-11: 5 to 10).
  CHECK(related_in >= 4);
  REQUIRE(study.best().value < 1e-4);
}

TEST_CASE("warm Bayesian optimization evaluates every transferred point, even more than its initial design",
          "[transfer]") {
  // The cold design in 2-D has 5 points; 8 transferred points all come first, in order.
  const auto warm = hpo::WarmStart::from({bowl_source(1.0, 0.0)}, hpo_test::unit_square(), {.initial_points = 8});
  REQUIRE(warm.initial_points().size() == 8);
  const auto study =
      hpo::optimize(hpo_test::unit_square(), bowl, hpo::BayesianOptimization({.seed = 3, .warm_start = warm}),
                    {.max_evaluations = 10, .progress = false});
  for (std::size_t i = 0; i < 8; ++i) REQUIRE(study.trials()[i].config == warm.initial_points()[i]);
  // A study that already holds trials (here 5 enqueued ones) still gets the transferred points next.
  hpo::Study resumed(hpo_test::unit_square());
  for (int i = 0; i < 5; ++i) {
    auto trial = resumed.ask(hpo::Config().set("x", 0.1 * i + 0.5).set("y", 0.05));
    resumed.tell(trial.number, bowl(trial.config));
  }
  hpo::BayesianOptimization bo({.seed = 3, .warm_start = warm});
  for (std::size_t i = 0; i < 8; ++i) {
    auto trial = resumed.ask(bo);
    REQUIRE(trial);
    REQUIRE(trial->config == warm.initial_points()[i]);
    resumed.tell(trial->number, bowl(trial->config));
  }
}

TEST_CASE("warm starts from sources over other mixed spaces run every optimizer and survive failing trials",
          "[transfer]") {
  // Random mixed target spaces; each source keeps a random subset of the target's parameters (the
  // first always), over other ranges, with a category fewer or one the target lacks, sometimes a
  // parameter of its own, and either direction. The target's objective fails one trial in ten.
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    INFO("seed " << seed);
    hpo::Rng rng(seed, 7);
    hpo::SearchSpace target;
    const int d = 1 + static_cast<int>(rng.below(5));
    for (int j = 0; j < d; ++j) {
      const std::string name = "p" + std::to_string(j);
      switch (rng.below(5)) {
        case 0:
          target.add_real(name, -2.0, 3.0);
          break;
        case 1:
          target.add_real(name, 1e-4, 1.0, hpo::Scale::Log);
          break;
        case 2:
          target.add_int(name, 1, 2 + static_cast<std::int64_t>(rng.below(20)));
          break;
        case 3:
          target.add_int(name, 1, 1000, hpo::Scale::Log);
          break;
        default:
          target.add_categorical(name, {"a", "b", "c"});
      }
    }
    std::vector<hpo::Study> sources;
    for (std::uint64_t s = 0, count = 1 + rng.below(3); s < count; ++s) {
      hpo::SearchSpace own;
      for (int j = 0; j < d; ++j) {
        const auto& p = target[static_cast<std::size_t>(j)];
        if (j > 0 && rng.below(3) == 0) continue;
        if (p.kind == hpo::ParameterKind::Real)
          own.add_real(p.name, p.scale == hpo::Scale::Log ? 1e-5 : -5.0, p.scale == hpo::Scale::Log ? 0.5 : 1.0,
                       p.scale);
        else if (p.kind == hpo::ParameterKind::Integer)
          own.add_int(p.name, 0, 40);
        else
          own.add_categorical(
              p.name, rng.below(2) ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{"a", "b", "c", "z"});
      }
      if (rng.below(2)) own.add_real("extra", 0.0, 1.0);
      const bool maximize = rng.below(2) == 0;
      hpo::Study source(own, maximize ? hpo::Direction::Maximize : hpo::Direction::Minimize);
      hpo::RandomSearch random({.seed = seed * 10 + s});
      for (std::uint64_t i = 0, trials = 2 + rng.below(30); i < trials; ++i) {
        auto trial = source.ask(random);
        if (i > 0 && rng.below(8) == 0) {
          source.fail(trial->number, "diverged");
          continue;
        }
        const double v = std::sin(3.0 * own.to_unit(trial->config).sum()) + static_cast<double>(s);
        source.tell(trial->number, maximize ? -v : v);
      }
      sources.push_back(std::move(source));
    }
    const auto warm = hpo::WarmStart::from(sources, target);
    REQUIRE_FALSE(warm.initial_points().empty());
    for (const auto& point : warm.initial_points()) REQUIRE_NOTHROW(target.validate(point));
    std::size_t calls = 0;
    const auto objective = [&](const hpo::Config& c) {
      if (++calls % 10 == 0) throw std::runtime_error("out of memory");
      return (target.to_unit(c).array() - 0.3).square().sum();
    };
    hpo::BayesianOptimization bo({.seed = seed, .warm_start = warm});
    const auto study = hpo::optimize(target, objective, bo, {.max_evaluations = 12, .progress = false});
    REQUIRE(study.trials().size() == 12);
    REQUIRE(study.completed_count() + 1 == 12);  // the tenth call failed, and the search went on
    REQUIRE(std::isfinite(study.best().value));
    REQUIRE(study.trials().front().config == warm.initial_points().front());
    REQUIRE(study.warm_start_record());
    REQUIRE(bo.transfer_weights().size() == static_cast<Eigen::Index>(sources.size()) + 1);  // the model took over
    const auto random = hpo::optimize(target, objective, hpo::RandomSearch({.seed = seed, .warm_start = warm}),
                                      {.max_evaluations = 6, .progress = false});
    const auto grid = hpo::optimize(target, objective, hpo::GridSearch({.points_per_dimension = 3, .warm_start = warm}),
                                    {.max_evaluations = 6, .progress = false});
    REQUIRE(random.trials().size() == 6);
    REQUIRE(grid.trials().size() == 6);
  }
}
