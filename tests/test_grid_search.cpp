// GridSearch: the full grid in its documented order, log spacing, categories, exhaustion, resume.
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/grid_search.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

using Catch::Contains;

namespace {
hpo::Study run(hpo::GridSearch grid, const hpo::SearchSpace& space, std::size_t budget = 0) {
  return hpo::optimize(space, [](const hpo::Config&) { return 1.0; }, grid,
                       {.max_evaluations = budget, .progress = false});
}
}  // namespace

TEST_CASE("the grid is the Cartesian product, last parameter fastest, then exhausted", "[grid]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_categorical("c", {"a", "b"});
  const auto study = run(hpo::GridSearch({.points_per_dimension = 3}), space);
  REQUIRE(study.trials().size() == 6);
  const double xs[] = {0.0, 0.0, 0.5, 0.5, 1.0, 1.0};
  const char* cs[] = {"a", "b", "a", "b", "a", "b"};
  for (std::size_t i = 0; i < 6; ++i) {
    REQUIRE(study.trials()[i].config.get<double>("x") == xs[i]);
    REQUIRE(study.trials()[i].config.get<std::string>("c") == cs[i]);
  }
}

TEST_CASE("log parameters are log-spaced, integers deduplicated, per-parameter counts", "[grid]") {
  hpo::SearchSpace space;
  space.add_real("lr", 1e-4, 1e-0, hpo::Scale::Log).add_int("n", 1, 3).add_int("batch", 8, 512, hpo::Scale::Log);
  hpo::GridSearch grid({.points_per_dimension = 5, .points_per_parameter = {{"batch", 4}}});
  REQUIRE(grid.size(space) == 5 * 3 * 4);
  const auto study = run(grid, space);
  std::set<double> lrs;
  std::set<int> ns, batches;
  for (const auto& t : study.trials()) {
    lrs.insert(t.config.get<double>("lr"));
    ns.insert(t.config.get<int>("n"));
    batches.insert(t.config.get<int>("batch"));
  }
  REQUIRE(lrs.size() == 5);
  double expected = 1e-4;
  for (double lr : lrs) {
    REQUIRE(lr == Approx(expected).epsilon(1e-12));
    expected *= 10.0;
  }
  REQUIRE(ns == std::set<int>{1, 2, 3});
  REQUIRE(batches == std::set<int>{8, 32, 128, 512});
}

TEST_CASE("points already in the study are skipped (resume, enqueue)", "[grid]") {
  hpo::SearchSpace space;
  space.add_int("n", 0, 9);
  hpo::Study study(space);
  study.enqueue(hpo::Config().set("n", 4));
  hpo::GridSearch grid({.points_per_dimension = 10});
  std::vector<int> order;
  while (auto t = study.ask(grid)) {
    order.push_back(t->config.get<int>("n"));
    study.tell(t->number, 0.0);
  }
  REQUIRE(order == std::vector<int>{4, 0, 1, 2, 3, 5, 6, 7, 8, 9});
}

TEST_CASE("bad grid options name the parameter", "[grid]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  // Out-of-range options are refused when the optimizer is built, naming the field and the value.
  REQUIRE_THROWS_WITH(hpo::GridSearch({.points_per_dimension = 0}),
                      Contains("points_per_dimension") && Contains("got 0"));
  REQUIRE_THROWS_WITH(hpo::GridSearch({.points_per_parameter = {{"x", 0}}}),
                      Contains("points_per_parameter[\"x\"]") && Contains("got 0"));
  REQUIRE_THROWS_WITH(run(hpo::GridSearch({.points_per_parameter = {{"y", 3}}}), space), Contains("\"y\""));
}

TEST_CASE("a new study at the address of an old one starts the grid afresh", "[grid]") {
  hpo::SearchSpace space;
  space.add_int("n", 0, 9);
  const auto fill = [](hpo::Study& study) {  // more trials than the first study had: 5..9
    for (int n = 5; n < 10; ++n) study.tell(study.ask(hpo::Config().set("n", n)).number, 0.0);
  };
  hpo::GridSearch reused({.points_per_dimension = 10});
  std::optional<hpo::Study> slot;
  slot.emplace(space);
  for (int i = 0; i < 3; ++i) slot->tell(slot->ask(reused)->number, 0.0);  // 0, 1, 2
  slot.emplace(space);
  fill(*slot);
  std::vector<int> order;
  while (auto t = slot->ask(reused)) {
    order.push_back(t->config.get<int>("n"));
    slot->tell(t->number, 0.0);
  }
  REQUIRE(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("a study moved between asks keeps the grid's place", "[grid]") {
  hpo::SearchSpace space;
  space.add_int("n", 0, 5);
  hpo::GridSearch grid({.points_per_dimension = 6});
  auto study = std::make_unique<hpo::Study>(space);
  std::vector<int> order;
  for (int i = 0; i < 6; ++i) {
    study = std::make_unique<hpo::Study>(std::move(*study));
    const auto t = study->ask(grid);
    order.push_back(t->config.get<int>("n"));
    study->tell(t->number, 0.0);
  }
  REQUIRE(order == std::vector<int>{0, 1, 2, 3, 4, 5});
  REQUIRE_FALSE(study->ask(grid));
}

TEST_CASE("grid points that print alike to 10 digits are still distinct points", "[grid]") {
  hpo::SearchSpace narrow;
  narrow.add_real("x", 1.0, 1.0 + 1e-8);
  REQUIRE(run(hpo::GridSearch({.points_per_dimension = 100}), narrow).trials().size() == 100);
  hpo::SearchSpace large;
  large.add_real("x", 2.4e9, 2.4e9 + 10.0);
  REQUIRE(run(hpo::GridSearch({.points_per_dimension = 100}), large).trials().size() == 100);
}

TEST_CASE("GridSearch: an empty space is refused by ask, naming the optimizer", "[grid][errors]") {
  hpo::Study empty{hpo::SearchSpace{}};
  hpo::GridSearch grid;
  REQUIRE_THROWS_WITH(empty.ask(grid), Contains("hpo::GridSearch") && Contains("no parameter"));
  REQUIRE(empty.trials().empty());
}

TEST_CASE("an axis of more points than values costs nothing: 3e9 points on 11 integers, 1e12 on a real", "[grid]") {
  hpo::SearchSpace integers;
  integers.add_int("n", 0, 10).add_int("m", 1, 11, hpo::Scale::Log);
  hpo::GridSearch dense({.points_per_dimension = 3'000'000'000});
  REQUIRE(dense.size(integers) == 11 * 11);
  hpo::SearchSpace reals;
  reals.add_real("x", 0.0, 1.0).add_int("n", 0, 10);
  hpo::GridSearch fine({.points_per_dimension = 1'000'000'000'000});
  REQUIRE(fine.size(reals) == 11'000'000'000'000);
  const auto study = run(fine, reals, 12);
  REQUIRE(study.trials()[11].config.get<double>("x") == 1.0 / (1e12 - 1.0));
  REQUIRE(study.trials()[11].config.get<int>("n") == 0);
  // More points than doubles in the range: one per double.
  hpo::SearchSpace narrow;
  narrow.add_real("x", 1.0, std::nextafter(std::nextafter(1.0, 2.0), 2.0));
  REQUIRE(hpo::GridSearch({.points_per_dimension = 1000}).size(narrow) == 3);
}

namespace {
// The integer axis GridSearch had when it built every point: n evenly (log-) spaced values from
// low to high, rounded, deduplicated.
std::vector<std::int64_t> materialized_axis(std::int64_t low, std::int64_t high, std::size_t n, hpo::Scale scale) {
  std::vector<std::int64_t> axis;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(n - 1);
    const double lo = static_cast<double>(low), hi = static_cast<double>(high);
    const double x =
        scale == hpo::Scale::Log ? std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))) : lo + t * (hi - lo);
    const auto value = static_cast<std::int64_t>(std::round(x));
    if (axis.empty() || axis.back() != value) axis.push_back(value);
  }
  return axis;
}
}  // namespace

TEST_CASE("integer axes computed from the position equal the rounded, deduplicated points", "[grid]") {
  for (const auto scale : {hpo::Scale::Linear, hpo::Scale::Log}) {
    for (const auto& [low, high] : {std::pair<std::int64_t, std::int64_t>{1, 11},
                                    {8, 512},
                                    {1, 1000},
                                    {3, 100'000},
                                    {1, std::int64_t{1} << 40}}) {
      for (const std::size_t n : {1, 2, 3, 5, 10, 11, 64, 100, 1000, 20'000}) {
        hpo::SearchSpace space;
        space.add_int("n", low, high, scale);
        hpo::GridSearch grid({.points_per_dimension = n});
        const auto expected = materialized_axis(low, high, n, scale);
        INFO("[" << low << ", " << high << "] " << (scale == hpo::Scale::Log ? "log" : "linear") << ", " << n
                 << " points");
        REQUIRE(grid.size(space) == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) REQUIRE(grid.point(i).get<std::int64_t>("n") == expected[i]);
      }
    }
  }
}
