// GridSearch: the full grid in its documented order, log spacing, categories, exhaustion, resume.
#include <catch2/catch.hpp>

#include <hpo/hpo.hpp>

#include <cmath>
#include <set>

using Catch::Contains;

namespace {
hpo::Study run(hpo::GridSearch grid, const hpo::SearchSpace& space, std::size_t budget = 0) {
  return hpo::optimize(space, [](const hpo::Config&) { return 1.0; }, grid, {.max_evaluations = budget, .progress = false});
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

TEST_CASE("log parameters are log-spaced; integers deduplicated; per-parameter counts", "[grid]") {
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
  REQUIRE_THROWS_WITH(run(hpo::GridSearch({.points_per_dimension = 0}), space), Contains("\"x\""));
  REQUIRE_THROWS_WITH(run(hpo::GridSearch({.points_per_parameter = {{"y", 3}}}), space), Contains("\"y\""));
}
