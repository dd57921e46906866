// RandomSearch: determinism, uniformity in the encoded space, the quasi-random samplers.
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/random_search.hpp>

#include <cmath>
#include <map>
#include <set>

namespace {
hpo::Study run(hpo::RandomSearch optimizer, const hpo::SearchSpace& space, std::size_t n) {
  return hpo::optimize(space, [](const hpo::Config&) { return 0.0; }, optimizer,
                       {.max_evaluations = n, .progress = false});
}

hpo::SearchSpace mixed() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0)
      .add_real("lr", 1e-5, 1e-1, hpo::Scale::Log)
      .add_int("units", 16, 256)
      .add_categorical("act", {"relu", "tanh", "gelu"});
  return space;
}
}  // namespace

TEST_CASE("RandomSearch: the same seed gives the same configurations, another seed does not", "[random]") {
  for (auto sampler : {hpo::Sampler::Uniform, hpo::Sampler::Sobol, hpo::Sampler::LatinHypercube}) {
    const auto a = run(hpo::RandomSearch({.seed = 7, .sampler = sampler}), mixed(), 40);
    const auto b = run(hpo::RandomSearch({.seed = 7, .sampler = sampler}), mixed(), 40);
    const auto c = run(hpo::RandomSearch({.seed = 8, .sampler = sampler}), mixed(), 40);
    std::size_t differing = 0;
    for (std::size_t i = 0; i < 40; ++i) {
      REQUIRE(a.trials()[i].config == b.trials()[i].config);
      differing += a.trials()[i].config != c.trials()[i].config;
    }
    REQUIRE(differing >= 38);
  }
}

TEST_CASE("the first uniform draws are pinned, so every platform gives them", "[random]") {
  hpo::SearchSpace space;
  space.add_real("u", 0.0, 1.0);
  const auto study = run(hpo::RandomSearch({.seed = 7}), space, 3);
  // hpo::Rng(7, k).uniform() for k = 0, 1, 2; any change to the generator changes these.
  const double expected[] = {hpo::Rng(7, 0).uniform(), hpo::Rng(7, 1).uniform(), hpo::Rng(7, 2).uniform()};
  for (int k = 0; k < 3; ++k)
    REQUIRE(study.trials()[static_cast<std::size_t>(k)].config.get<double>("u") == expected[k]);
}

TEST_CASE("log parameters are uniform in their logarithm, every category and integer is drawn", "[random]") {
  const auto study = run(hpo::RandomSearch({.seed = 1}), mixed(), 4000);
  int below_midpoint = 0;  // log-midpoint of [1e-5, 1e-1] is 1e-3
  std::map<std::string, int> categories;
  std::set<int> units;
  for (const auto& t : study.trials()) {
    below_midpoint += t.config.get<double>("lr") < 1e-3;
    ++categories[t.config.get<std::string>("act")];
    units.insert(t.config.get<int>("units"));
  }
  // Binomial(4000, 0.5): sd 31.6; a margin of 4 sd.
  REQUIRE(std::abs(below_midpoint - 2000) < 127);
  for (const auto& [name, count] : categories) REQUIRE(std::abs(count - 1333) < 120);
  REQUIRE(categories.size() == 3);
  REQUIRE(units.size() == 241);
}

TEST_CASE("Sobol and Latin hypercube samplers stratify each parameter", "[random]") {
  hpo::SearchSpace space;
  space.add_real("a", 0.0, 1.0).add_real("b", 0.0, 1.0);
  const auto sobol = run(hpo::RandomSearch({.seed = 3, .sampler = hpo::Sampler::Sobol}), space, 64);
  const auto latin = run(
      hpo::RandomSearch({.seed = 3, .sampler = hpo::Sampler::LatinHypercube, .latin_hypercube_block = 64}), space, 64);
  for (const auto* study : {&sobol, &latin}) {
    for (const char* name : {"a", "b"}) {
      std::vector<int> bins(64, 0);
      for (const auto& t : study->trials()) ++bins[static_cast<std::size_t>(t.config.get<double>(name) * 64)];
      REQUIRE(std::count(bins.begin(), bins.end(), 1) == 64);
    }
  }
}

TEST_CASE("RandomSearch options out of range are errors naming the field and the value", "[random][errors]") {
  using Catch::Contains;
  REQUIRE_THROWS_WITH(hpo::RandomSearch({.latin_hypercube_block = 0}),
                      Contains("latin_hypercube_block") && Contains("got 0"));
  REQUIRE_THROWS_WITH(hpo::RandomSearch({.sampler = static_cast<hpo::Sampler>(4)}), Contains("sampler = 4"));
  REQUIRE_THROWS_WITH(hpo::RandomSearch({.latin_hypercube_block = std::size_t{1} << 40}),
                      Contains("latin_hypercube_block") && Contains("1099511627776"));
}

TEST_CASE("an empty space or one too large for Sobol is refused by ask, naming the optimizer", "[random][errors]") {
  using Catch::Contains;
  hpo::Study empty{hpo::SearchSpace{}};
  hpo::RandomSearch random({.seed = 1});
  REQUIRE_THROWS_WITH(empty.ask(random), Contains("hpo::RandomSearch") && Contains("no parameter"));
  REQUIRE(empty.trials().empty());
  hpo::SearchSpace large;
  for (int j = 0; j < 1112; ++j) large.add_real("x" + std::to_string(j), 0.0, 1.0);
  hpo::Study study(large);
  hpo::RandomSearch sobol({.sampler = hpo::Sampler::Sobol});
  REQUIRE_THROWS_WITH(study.ask(sobol), Contains("hpo::RandomSearch") && Contains("1112 parameters") &&
                                            Contains("1111") && Contains("Sampler::Uniform"));
  hpo::RandomSearch latin({.sampler = hpo::Sampler::LatinHypercube});
  REQUIRE(study.ask(latin));
}
