// GradientDescent: convergence with analytic, central-difference and SPSA gradients; bounds, log
// parameters, start points, stop reasons, failures, determinism, replay; and real hypergradients
// (ridge regression on the diabetes data, logistic regression on the breast-cancer data).
#include <catch2/catch.hpp>

#include <hpo/optimize.hpp>
#include <hpo/optimizers/gradient_descent.hpp>
#include <hpo/transfer/warm_start.hpp>

#include "support/fixtures.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>

#include "../examples/common/regularized_models.hpp"

using Catch::Contains;

namespace {
hpo::SearchSpace plane() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 5.0).add_real("y", -5.0, 5.0);
  return space;
}

// (x - 1)^2 + 10 (y + 2)^2: minimum 0 at (1, -2).
double elongated_bowl(const hpo::Config& c) {
  const double x = c.get<double>("x"), y = c.get<double>("y");
  return (x - 1) * (x - 1) + 10 * (y + 2) * (y + 2);
}

hpo::Evaluation bowl_with_gradient(const hpo::Config& c) {
  const double x = c.get<double>("x"), y = c.get<double>("y");
  return {.value = elongated_bowl(c), .gradient = Eigen::Vector2d(2 * (x - 1), 20 * (y + 2))};
}

using hpo_test::quiet;

double distance_to_bowl_minimum(const hpo::Config& c) {
  return std::hypot(c.get<double>("x") - 1.0, c.get<double>("y") + 2.0);
}
}  // namespace

TEST_CASE("converges on a quadratic with its analytic gradient", "[gradient]") {
  hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.05});
  const auto study = hpo::optimize(plane(), bowl_with_gradient, gd, quiet(300));
  REQUIRE(gd.uses_objective_gradient());
  REQUIRE(gd.stop_reason() != hpo::GradientDescentStop::Budget);  // it stopped by itself
  REQUIRE(study.trials().size() < 300);
  REQUIRE(study.trials().size() == gd.steps() + 1);  // one evaluation per step, plus the last point
  REQUIRE(distance_to_bowl_minimum(study.best().config) < 1e-3);
  // The first point is the centre of the space.
  REQUIRE(study.trials()[0].config.get<double>("x") == 0.0);
  REQUIRE(study.trials()[0].config.get<double>("y") == 0.0);
}

TEST_CASE("plain gradient descent with a step schedule converges too", "[gradient]") {
  // In the unit cube the elongated_bowl is 100 (u - 0.6)^2 + 1000 (v - 0.3)^2: rates below 1/1000 are stable.
  hpo::GradientDescent gd(
      {.seed = 1, .learning_rate = 8e-4, .method = hpo::GradientMethod::Plain, .step_decay = 0.9, .decay_every = 20});
  const auto study = hpo::optimize(plane(), bowl_with_gradient, gd, quiet(400));
  REQUIRE(distance_to_bowl_minimum(study.best().config) < 1e-3);
  // A rate above 2/1000 diverges along y without backtracking (it ends against the bound) ...
  hpo::GradientDescent unstable(
      {.seed = 1, .learning_rate = 2.5e-3, .method = hpo::GradientMethod::Plain, .backtrack = false});
  const auto bad = hpo::optimize(plane(), bowl_with_gradient, unstable, quiet(100));
  REQUIRE(distance_to_bowl_minimum(bad.best().config) > 0.1);
  // ... and converges with it: each step that raised the value is taken back and shortened.
  hpo::GradientDescent rescued({.seed = 1, .learning_rate = 2.5e-3, .method = hpo::GradientMethod::Plain});
  const auto good = hpo::optimize(plane(), bowl_with_gradient, rescued, quiet(100));
  REQUIRE(distance_to_bowl_minimum(good.best().config) < 1e-3);
}

TEST_CASE("a step that raised the value is taken back to the minimum of the fitted parabola", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 5.0);
  auto f = [](const hpo::Config& c) {
    const double x = c.get<double>("x");
    return hpo::Evaluation{.value = (x - 1) * (x - 1), .gradient = Eigen::VectorXd::Constant(1, 2 * (x - 1))};
  };
  // From x = 0, Adam's first step is the learning rate, 0.5 of the range: to x = 5, value 16 > 1.
  // The parabola through f(0) = 1, f'(0) * 5 = -10 and f(5) = 16 has its minimum at 0 + 0.2 * 5 = 1.
  hpo::GradientDescent gd({.learning_rate = 0.5});
  const auto study = hpo::optimize(space, f, gd, quiet(50));
  REQUIRE(study.trials().size() == 3);
  REQUIRE(study.trials()[1].config.get<double>("x") == Approx(5.0).epsilon(1e-8));  // Adam's epsilon
  REQUIRE(study.trials()[2].config.get<double>("x") == Approx(1.0).epsilon(1e-8));
  REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::GradientNorm);
}

TEST_CASE("without a gradient it uses central differences: 2 evaluations per real parameter", "[gradient]") {
  hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.05});
  const auto study = hpo::optimize(plane(), elongated_bowl, gd, quiet(600));
  REQUIRE_FALSE(gd.uses_objective_gradient());
  REQUIRE(gd.stop_reason() != hpo::GradientDescentStop::Budget);
  // The start, then 4 probes per step (and none at the iterate itself).
  REQUIRE((study.trials().size() - 1) % 4 == 0);
  const auto& t = study.trials();
  REQUIRE(t[1].config.get<double>("x") == Approx(0.01).epsilon(1e-9));  // x + h, h = 1e-3 of the range 10
  REQUIRE(t[2].config.get<double>("x") == Approx(-0.01).epsilon(1e-9));
  REQUIRE(t[1].config.get<double>("y") == 0.0);
  REQUIRE(t[3].config.get<double>("y") == Approx(0.01).epsilon(1e-9));
  // Measured: the best point is 1.1e-5 away; the probes' spacing limits it to about h.
  REQUIRE(distance_to_bowl_minimum(study.best().config) < 0.02);
}

TEST_CASE("SPSA estimates the gradient from 2 evaluations whatever the dimension", "[gradient]") {
  hpo::SearchSpace space;
  for (int i = 0; i < 8; ++i) space.add_real("x" + std::to_string(i), -1.0, 1.0);
  // sum_i (i + 1) (x_i - 0.1 i)^2 / 8, minimum 0.
  auto f = [](const hpo::Config& c) {
    double sum = 0.0;
    for (int i = 0; i < 8; ++i) {
      const double d = c.get<double>("x" + std::to_string(i)) - 0.1 * i;
      sum += (i + 1) * d * d / 8.0;
    }
    return sum;
  };
  const double start_value = f(space.from_unit(Eigen::VectorXd::Constant(8, 0.5)));
  hpo::GradientDescent gd(
      {.seed = 3, .learning_rate = 0.02, .gradient_estimate = hpo::GradientEstimate::SPSA, .patience = 0});
  const auto study = hpo::optimize(space, f, gd, quiet(401));
  // The start, then 2 evaluations per step (the 200th pair's step would be taken at the next ask).
  REQUIRE(gd.steps() == 199);
  // Measured with seed 3: 9.2e-5 from 1.155. Central differences spend 16 evaluations per step and
  // get only to 1.2e-3 on the same budget.
  INFO("best " << study.best().value << " from " << start_value);
  REQUIRE(study.best().value < 3e-4 * start_value);
  hpo::GradientDescent central({.seed = 3, .learning_rate = 0.02, .patience = 0});
  REQUIRE(study.best().value < 0.2 * hpo::optimize(space, f, central, quiet(401)).best().value);
  // The two probes of a step are mirror images about the iterate, along a +-1 direction.
  const Eigen::VectorXd a = space.to_unit(study.trials()[1].config), b = space.to_unit(study.trials()[2].config);
  const Eigen::VectorXd half = (a - b) / 2;
  for (Eigen::Index i = 0; i < 8; ++i) REQUIRE(std::abs(half[i]) == Approx(1e-3));
}

TEST_CASE("steps are projected onto the bounds", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 5.0).add_real("y", -1.0, 1.0);
  // The minimum (10, 0.25) lies outside along x: the search ends on the bound x = 5.
  auto f = [](const hpo::Config& c) {
    const double x = c.get<double>("x"), y = c.get<double>("y");
    return hpo::Evaluation{.value = (x - 10) * (x - 10) + (y - 0.25) * (y - 0.25),
                           .gradient = Eigen::Vector2d(2 * (x - 10), 2 * (y - 0.25))};
  };
  hpo::GradientDescent gd({.learning_rate = 0.1, .patience = 0});
  const auto study = hpo::optimize(space, f, gd, quiet(300));
  REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::GradientNorm);  // the x component is projected away
  REQUIRE(study.best().config.get<double>("x") == 5.0);
  REQUIRE(study.best().config.get<double>("y") == Approx(0.25).margin(1e-4));
}

TEST_CASE("a range as wide as 1e308 is descended: the unit gradient saturates, Adam's moments do not overflow",
          "[gradient][robustness]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1e308);
  // Minimum 0 at x = 3e307; at the start, 5e307, the slope is 4, times the width 1e308 in the
  // unit cube: more than the largest double.
  const auto sharp = [](const hpo::Config& c) {
    const double d = c.get<double>("x") - 3e307;
    return hpo::Evaluation{.value = d * (d / 1e307), .gradient = Eigen::VectorXd::Constant(1, 2 * d / 1e307)};
  };
  hpo::GradientDescent analytic({.learning_rate = 0.05});
  const auto descended = hpo::optimize(space, sharp, analytic, quiet(60));
  REQUIRE(descended.failed_count() == 0);
  REQUIRE(descended.best().config.get<double>("x") == Approx(3e307).epsilon(1e-3));
  // -x by central differences: a unit gradient of -1e308, whose square overflowed Adam's second
  // moment and froze the step at 0.
  hpo::GradientDescent estimated({.learning_rate = 0.1});
  const auto climbed = hpo::optimize(
      space, [](const hpo::Config& c) { return -c.get<double>("x"); }, estimated, quiet(60));
  REQUIRE(climbed.best().config.get<double>("x") > 0.99e308);
  // Plain steps saturate too, and the projection keeps them on the bound.
  hpo::GradientDescent plain({.learning_rate = 0.1, .method = hpo::GradientMethod::Plain});
  const auto projected = hpo::optimize(
      space, [](const hpo::Config& c) { return -c.get<double>("x"); }, plain, quiet(20));
  REQUIRE(projected.best().config.get<double>("x") == 1e308);
}

TEST_CASE("log parameters move in their logarithm, with the gradient converted by the chain rule", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("lambda", 1e-6, 1.0, hpo::Scale::Log);
  // (log10 lambda + 4)^2: minimum at 1e-4; d/d lambda = 2 (log10 lambda + 4) / (lambda ln 10).
  auto value = [](const hpo::Config& c) { return std::pow(std::log10(c.get<double>("lambda")) + 4.0, 2); };
  auto with_gradient = [&](const hpo::Config& c) {
    const double lambda = c.get<double>("lambda");
    return hpo::Evaluation{
        .value = value(c),
        .gradient = Eigen::VectorXd::Constant(1, 2 * (std::log10(lambda) + 4.0) / (lambda * std::log(10.0)))};
  };
  hpo::GradientDescent gd({.learning_rate = 0.05});
  const auto study = hpo::optimize(space, with_gradient, gd, quiet(300));
  REQUIRE(study.trials()[0].config.get<double>("lambda") == Approx(1e-3));  // the log-midpoint
  REQUIRE(std::log10(study.best().config.get<double>("lambda")) == Approx(-4.0).margin(1e-4));

  // A plain step is rate * d value / du: at the start u = 0.5 (u spans 6 decades), value =
  // (6u - 2)^2, so d value / du = 12 and the step is 0.01 * 12 = 0.12 in u, 0.72 decades.
  hpo::GradientDescent plain({.learning_rate = 0.01, .method = hpo::GradientMethod::Plain});
  const auto a = hpo::optimize(space, with_gradient, plain, quiet(2));
  REQUIRE(std::log10(a.trials()[1].config.get<double>("lambda")) == Approx(-3.72).epsilon(1e-9));
}

TEST_CASE("central-difference probes around the iterate follow the chain rule in log space", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("lambda", 1e-6, 1.0, hpo::Scale::Log);
  auto value = [](const hpo::Config& c) { return std::pow(std::log10(c.get<double>("lambda")) + 4.0, 2); };
  hpo::GradientDescent gd({.learning_rate = 0.01, .method = hpo::GradientMethod::Plain});
  const auto study = hpo::optimize(space, value, gd, quiet(5));
  // Trials: the start (1e-3), its two probes, then the probes around the next iterate.
  const auto log10_of = [&](std::size_t k) { return std::log10(study.trials()[k].config.get<double>("lambda")); };
  REQUIRE(log10_of(1) == Approx(-3.0 + 0.006).epsilon(1e-9));  // h = 1e-3 of 6 decades
  REQUIRE(log10_of(2) == Approx(-3.0 - 0.006).epsilon(1e-9));
  const double next_iterate = (log10_of(3) + log10_of(4)) / 2;
  REQUIRE(next_iterate == Approx(-3.72).epsilon(1e-6));  // the same step as with the analytic gradient
}

TEST_CASE("a warm start starts at the source's best configuration", "[gradient][transfer]") {
  hpo::Study source(plane());
  for (auto [x, y] : {std::pair{3.0, 1.0}, std::pair{0.8, -1.7}, std::pair{-2.0, 2.0}}) {
    auto t = source.ask(hpo::Config().set("x", x).set("y", y));
    source.tell(t.number, elongated_bowl(t.config));
  }
  const auto warm = hpo::WarmStart::from({source}, plane());
  hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.05, .warm_start = warm});
  const auto study = hpo::optimize(plane(), bowl_with_gradient, gd, quiet(300));
  REQUIRE(study.trials()[0].config.get<double>("x") == 0.8);
  REQUIRE(study.trials()[0].config.get<double>("y") == -1.7);
  REQUIRE(distance_to_bowl_minimum(study.best().config) < 1e-3);
  // Starting near the minimum takes fewer evaluations than starting at the centre.
  hpo::GradientDescent cold({.seed = 1, .learning_rate = 0.05});
  REQUIRE(study.trials().size() < hpo::optimize(plane(), bowl_with_gradient, cold, quiet(300)).trials().size());
  // A warm start built for another space is refused.
  hpo::SearchSpace other;
  other.add_real("x", -5.0, 5.0);
  hpo::GradientDescent wrong({.warm_start = hpo::WarmStart::from({source}, other)});
  REQUIRE_THROWS_WITH(hpo::optimize(plane(), elongated_bowl, wrong, quiet(5)), Contains("another search space"));
}

TEST_CASE("the start option, integer and categorical parameters are held at their start values", "[gradient]") {
  hpo::SearchSpace space;
  space.add_int("units", 1, 100).add_real("x", -5.0, 5.0).add_categorical("act", {"relu", "tanh"});
  auto f = [](const hpo::Config& c) {
    const double x = c.get<double>("x");
    const double shift = c.get<std::string>("act") == "tanh" ? 1.0 : 0.0;
    return (x - 2 - shift) * (x - 2 - shift) + 0.01 * c.get<int>("units");
  };
  hpo::GradientDescent gd(
      {.learning_rate = 0.05, .start = hpo::Config().set("act", "tanh").set("x", -4.0).set("units", 7)});
  const auto study = hpo::optimize(space, f, gd, quiet(400));
  REQUIRE(study.trials()[0].config.get<double>("x") == -4.0);
  for (const auto& t : study.trials()) {
    REQUIRE(t.config.get<int>("units") == 7);
    REQUIRE(t.config.get<std::string>("act") == "tanh");
  }
  REQUIRE(study.best().config.get<double>("x") == Approx(3.0).margin(0.02));
  // An invalid start is reported.
  hpo::GradientDescent bad({.start = hpo::Config().set("x", 9.0).set("units", 7).set("act", "relu")});
  REQUIRE_THROWS_WITH(hpo::optimize(space, f, bad, quiet(5)),
                      Contains("start configuration is invalid") && Contains("outside"));
  // A space without real parameters has nothing to descend on.
  hpo::SearchSpace discrete;
  discrete.add_int("n", 1, 5);
  hpo::GradientDescent none;
  REQUIRE_THROWS_WITH(hpo::optimize(
                          discrete, [](const hpo::Config&) { return 1.0; }, none, quiet(5)),
                      Contains("no real parameter"));
}

TEST_CASE("stop reasons: budget, gradient norm, no improvement", "[gradient]") {
  SECTION("budget") {
    hpo::GradientDescent gd({.learning_rate = 0.001});
    const auto study = hpo::optimize(plane(), bowl_with_gradient, gd, quiet(20));
    REQUIRE(study.trials().size() == 20);
    REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::Budget);
    REQUIRE_THAT(gd.stop_message(), Contains("did not stop by itself"));
  }
  SECTION("gradient norm") {
    hpo::GradientDescent gd({.learning_rate = 0.05, .gradient_tolerance = 1e-3, .patience = 0});
    const auto study = hpo::optimize(plane(), bowl_with_gradient, gd, quiet(1000));
    REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::GradientNorm);
    REQUIRE_THAT(gd.stop_message(), Contains("projected gradient norm"));
    const auto& last = study.trials().back();
    const double unit_norm = std::hypot(last.gradient[0] * 10.0, last.gradient[1] * 10.0);  // range 10 each
    REQUIRE(unit_norm <= 1e-3);
    // The step before was still above the tolerance.
    const auto& before = study.trials()[study.trials().size() - 2];
    REQUIRE(std::hypot(before.gradient[0] * 10.0, before.gradient[1] * 10.0) > 1e-3);
  }
  SECTION("no improvement") {
    // A constant value with a gradient that flips sign at x = 0.3: the iterate oscillates there and
    // the best value never improves.
    hpo::SearchSpace space;
    space.add_real("x", 0.0, 1.0);
    auto f = [](const hpo::Config& c) {
      return hpo::Evaluation{.value = 1.0,
                             .gradient = Eigen::VectorXd::Constant(1, c.get<double>("x") < 0.3 ? -1.0 : 1.0)};
    };
    hpo::GradientDescent gd({.learning_rate = 0.05, .patience = 7});
    const auto study = hpo::optimize(space, f, gd, quiet(100));
    REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::NoImprovement);
    REQUIRE(gd.steps() == 7);  // the best after 7 steps equals the best at the start
    REQUIRE(study.trials().size() == 8);
    REQUIRE_THAT(gd.stop_message(), Contains("over the last 7 steps"));
    REQUIRE(std::string(hpo::to_string(gd.stop_reason())) == "no improvement");
  }
}

TEST_CASE("a failed evaluation steps back halfway and halves the step", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 10.0);
  // The minimum is at 8 but the objective fails above 6: the search settles just below 6.
  auto f = [](const hpo::Config& c) {
    const double x = c.get<double>("x");
    if (x > 6.0) throw std::runtime_error("diverged");
    return hpo::Evaluation{.value = (x - 8) * (x - 8), .gradient = Eigen::VectorXd::Constant(1, 2 * (x - 8))};
  };
  hpo::GradientDescent gd({.learning_rate = 0.1, .start = hpo::Config().set("x", 1.0)});
  const auto study = hpo::optimize(space, f, gd, quiet(60));
  const auto& t = study.trials();
  std::size_t first_failure = 0;
  while (first_failure < t.size() && !t[first_failure].failed()) ++first_failure;
  REQUIRE(first_failure > 1);
  REQUIRE(first_failure < t.size() - 1);
  const double previous = t[first_failure - 1].config.get<double>("x");
  const double failed = t[first_failure].config.get<double>("x");
  REQUIRE(t[first_failure + 1].config.get<double>("x") == Approx((previous + failed) / 2).epsilon(1e-12));
  REQUIRE(study.failed_count() >= 1);
  REQUIRE(study.best().config.get<double>("x") > 5.9);
  REQUIRE(study.best().config.get<double>("x") <= 6.0);
}

TEST_CASE("too many consecutive failures end the run with a clear error that keeps the study", "[gradient]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 10.0);
  int calls = 0;
  // Completes at the start only; every later point fails.
  auto f = [&](const hpo::Config& c) {
    ++calls;
    if (calls > 1) return std::numeric_limits<double>::quiet_NaN();
    return c.get<double>("x");
  };
  const auto journal = (std::filesystem::temp_directory_path() / "hpo_gd_failures.jsonl").string();
  std::filesystem::remove(journal);
  hpo::GradientDescent gd({.max_consecutive_failures = 4});
  try {
    hpo::optimize(space, f, gd, {.max_evaluations = 50, .journal = journal, .progress = false});
    FAIL("expected hpo::TooManyFailures");
  } catch (const hpo::TooManyFailures& e) {
    REQUIRE_THAT(e.what(), Contains("4 evaluations in a row failed") && Contains("objective returned nan") &&
                               Contains("max_consecutive_failures = 4"));
    // The start, its two probes (the objective returns no gradient) of which both fail, ...: 5 trials.
    REQUIRE(e.study().trials().size() == 5);
    REQUIRE(e.study().completed_count() == 1);
    REQUIRE(e.study().failed_count() == 4);
  }
  REQUIRE(gd.stop_reason() == hpo::GradientDescentStop::ConsecutiveFailures);
  REQUIRE(hpo::Study::load(journal).trials().size() == 5);
  std::filesystem::remove(journal);

  // Failing from the very start ends the run the same way.
  hpo::GradientDescent always({.max_consecutive_failures = 3});
  REQUIRE_THROWS_AS(hpo::optimize(
                        space, [](const hpo::Config&) -> double { throw std::runtime_error("no"); }, always, quiet(50)),
                    hpo::TooManyFailures);
}

TEST_CASE("GradientDescent: the same seed gives the same configurations, another seed does not", "[gradient]") {
  hpo::SearchSpace space;
  for (int i = 0; i < 4; ++i) space.add_real("x" + std::to_string(i), -1.0, 1.0);
  auto f = [](const hpo::Config& c) {
    double sum = 0.0;
    for (int i = 0; i < 4; ++i) sum += std::pow(c.get<double>("x" + std::to_string(i)) - 0.2, 2);
    return sum;
  };
  auto run = [&](std::uint64_t seed) {
    hpo::GradientDescent gd({.seed = seed, .gradient_estimate = hpo::GradientEstimate::SPSA, .patience = 0});
    return hpo::optimize(space, f, gd, quiet(41));
  };
  const auto a = run(5), b = run(5), c = run(6);
  REQUIRE(a.trials().size() == 41);
  REQUIRE(b.trials().size() == 41);
  REQUIRE(c.trials().size() == 41);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < 41; ++i) {
    REQUIRE(a.trials()[i].config == b.trials()[i].config);
    differing += a.trials()[i].config != c.trials()[i].config;
  }
  REQUIRE(differing >= 35);  // the start is shared, and a probe pair when two draws coincide (1 in 16)
}

TEST_CASE("the path is rebuilt from the study: a resumed journal continues it exactly", "[gradient]") {
  const auto journal = (std::filesystem::temp_directory_path() / "hpo_gd_resume.jsonl").string();
  std::filesystem::remove(journal);
  hpo::GradientDescent whole({.seed = 2});
  const auto reference = hpo::optimize(plane(), elongated_bowl, whole, quiet(45));
  {
    hpo::GradientDescent first({.seed = 2});
    hpo::optimize(plane(), elongated_bowl, first, {.max_evaluations = 18, .journal = journal, .progress = false});
  }
  hpo::GradientDescent second({.seed = 2});  // a new optimizer: it knows only what the study holds
  const auto resumed =
      hpo::optimize(plane(), elongated_bowl, second, {.max_evaluations = 45, .journal = journal, .progress = false});
  REQUIRE(resumed.trials().size() == 45);
  for (std::size_t i = 0; i < 45; ++i) REQUIRE(resumed.trials()[i].config == reference.trials()[i].config);
  std::filesystem::remove(journal);

  // The same optimizer asked about a different study starts over there.
  hpo::GradientDescent shared({.seed = 2});
  hpo::Study one(plane()), two(plane());
  auto a = one.ask(shared);
  one.tell(a->number, elongated_bowl(a->config));
  auto b = two.ask(shared);
  REQUIRE(b->config == a->config);
}

TEST_CASE("the points of one estimate can be outstanding together", "[gradient]") {
  hpo::GradientDescent gd;
  hpo::Study study(plane());
  auto start = study.ask(gd);
  study.tell(start->number, elongated_bowl(start->config));
  std::vector<hpo::Trial> probes;
  for (int i = 0; i < 4; ++i) probes.push_back(*study.ask(gd));
  REQUIRE_FALSE(study.ask(gd).has_value());  // all four are out
  std::set<std::string> distinct;
  for (const auto& p : probes) distinct.insert(p.config.to_string());
  REQUIRE(distinct.size() == 4);
  for (auto it = probes.rbegin(); it != probes.rend(); ++it)
    study.tell(it->number, elongated_bowl(it->config));  // any order
  auto next = study.ask(gd);
  REQUIRE(next.has_value());
  REQUIRE(elongated_bowl(next->config) < elongated_bowl(start->config));
}

TEST_CASE("a maximized objective is climbed", "[gradient]") {
  hpo::GradientDescent gd({.learning_rate = 0.05});
  auto f = [](const hpo::Config& c) { return -elongated_bowl(c); };
  const auto study =
      hpo::optimize(plane(), f, gd, {.max_evaluations = 600, .direction = hpo::Direction::Maximize, .progress = false});
  REQUIRE(distance_to_bowl_minimum(study.best().config) < 0.02);
}

TEST_CASE("bad options are refused, naming the option", "[gradient]") {
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.learning_rate = 0.0}), Contains("learning_rate"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.finite_difference_step = 0.5}), Contains("finite_difference_step"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.step_decay = 1.5}), Contains("step_decay"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.max_consecutive_failures = 0}), Contains("max_consecutive_failures"));
  // The value as given, also when it is tiny; infinities and unknown enumerators are refused too.
  const double inf = std::numeric_limits<double>::infinity();
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.learning_rate = -1e-9}), Contains("learning_rate") && Contains("-1e-09"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.gradient_tolerance = inf}),
                      Contains("gradient_tolerance") && Contains("inf"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.min_relative_improvement = inf}), Contains("min_relative_improvement"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.adam_epsilon = inf}), Contains("adam_epsilon") && Contains("inf"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.method = static_cast<hpo::GradientMethod>(5)}), Contains("method = 5"));
  REQUIRE_THROWS_WITH(hpo::GradientDescent({.gradient_estimate = static_cast<hpo::GradientEstimate>(2)}),
                      Contains("gradient_estimate = 2"));
}

TEST_CASE("GradientDescent: an empty space is refused by ask, naming the optimizer", "[gradient][errors]") {
  hpo::Study empty{hpo::SearchSpace{}};
  hpo::GradientDescent gd;
  REQUIRE_THROWS_WITH(empty.ask(gd), Contains("hpo::GradientDescent") && Contains("no parameter"));
  REQUIRE(empty.trials().empty());
}

// ---- Real hypergradients ----

namespace {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2 * h);
}
}  // namespace

TEST_CASE("ridge regression: the implicit hypergradient matches central differences", "[gradient][hypergradient]") {
  const auto data = examples::load_diabetes();
  for (std::uint64_t seed : {1, 2, 3}) {
    const examples::RidgeRegression ridge(examples::split(data, 0.5, seed));
    for (double log_lambda : {-9.0, -5.0, -2.0, 0.5, 3.0}) {
      const double exact = ridge.evaluate(std::exp(log_lambda)).gradient_log_lambda[0];
      const double numeric =
          central_difference([&](double t) { return ridge.validation_loss(std::exp(t)); }, log_lambda, 1e-4);
      INFO("seed " << seed << " log lambda " << log_lambda << ": " << exact << " vs " << numeric);
      REQUIRE(std::abs(exact - numeric) <= 1e-6 * std::abs(numeric));
    }
  }
}

TEST_CASE("ridge regression: gradient descent on the hypergradient finds the grid's best log lambda",
          "[gradient][hypergradient]") {
  const auto data = examples::load_diabetes();
  const double low = 1e-6, high = 1e2;
  for (std::uint64_t seed : {1, 2, 3, 4, 5}) {
    const examples::RidgeRegression ridge(examples::split(data, 0.5, seed));
    double grid_best = std::numeric_limits<double>::infinity(), grid_log_lambda = 0.0;
    for (int i = 0; i <= 20000; ++i) {  // spacing 0.0009 in log lambda
      const double t = std::log(low) + i * (std::log(high) - std::log(low)) / 20000;
      const double loss = ridge.validation_loss(std::exp(t));
      if (loss < grid_best) grid_best = loss, grid_log_lambda = t;
    }
    hpo::SearchSpace space;
    space.add_real("lambda", low, high, hpo::Scale::Log);
    auto f = [&](const hpo::Config& c) {
      const double lambda = c.get<double>("lambda");
      const auto e = ridge.evaluate(lambda);
      return hpo::Evaluation{.value = e.loss, .gradient = e.gradient_log_lambda / lambda};  // d/d lambda
    };
    hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.1});
    const auto study = hpo::optimize(space, f, gd, quiet(60));
    INFO("seed " << seed << ": " << study.trials().size() << " evaluations, " << gd.stop_message());
    REQUIRE(std::abs(std::log(study.best().config.get<double>("lambda")) - grid_log_lambda) < 0.01);
    REQUIRE(study.best().value <= grid_best + 1e-7 * grid_best);
  }
}

TEST_CASE("logistic regression: the implicit hypergradient matches finite differences", "[gradient][hypergradient]") {
  const auto data = examples::load_breast_cancer();
  std::vector<std::size_t> groups(30);
  for (std::size_t j = 0; j < 30; ++j) groups[j] = j / 10;  // mean, standard error, worst
  const examples::LogisticRegression global(examples::split(data, 0.5, 1));
  const examples::LogisticRegression grouped(examples::split(data, 0.5, 1), groups);
  for (double log_lambda : {-8.0, -5.0, -3.0, 0.0}) {
    const Eigen::VectorXd lambda = Eigen::VectorXd::Constant(1, std::exp(log_lambda));
    const double exact = global.evaluate(lambda).gradient_log_lambda[0];
    const double numeric = central_difference(
        [&](double t) { return global.validation_loss(Eigen::VectorXd::Constant(1, std::exp(t))); }, log_lambda, 1e-4);
    INFO("global, log lambda " << log_lambda << ": " << exact << " vs " << numeric);
    REQUIRE(std::abs(exact - numeric) <= 1e-6 * std::abs(numeric));
  }
  const Eigen::Vector3d log_lambda(-6.0, -2.0, -4.0);
  const Eigen::VectorXd exact = grouped.evaluate(log_lambda.array().exp().matrix()).gradient_log_lambda;
  for (Eigen::Index g = 0; g < 3; ++g) {
    const double numeric = central_difference(
        [&](double t) {
          Eigen::Vector3d l = log_lambda;
          l[g] = t;
          return grouped.validation_loss(l.array().exp().matrix());
        },
        log_lambda[g], 1e-4);
    INFO("group " << g << ": " << exact[g] << " vs " << numeric);
    REQUIRE(std::abs(exact[g] - numeric) <= 1e-6 * std::abs(numeric));
  }
}

TEST_CASE("logistic regression: gradient descent lowers the validation loss, warm faster than cold",
          "[gradient][hypergradient]") {
  const auto data = examples::load_breast_cancer();
  hpo::SearchSpace space;
  space.add_real("weight_decay", 1e-5, 10.0, hpo::Scale::Log);
  auto tune = [&](const examples::LogisticRegression& model, hpo::GradientDescent gd) {
    auto f = [&](const hpo::Config& c) {
      const Eigen::VectorXd lambda = Eigen::VectorXd::Constant(1, c.get<double>("weight_decay"));
      const auto e = model.evaluate(lambda);
      return hpo::Evaluation{.value = e.loss, .gradient = e.gradient_log_lambda.cwiseQuotient(lambda)};
    };
    return hpo::optimize(space, f, gd, quiet(100));
  };
  const examples::LogisticRegression source(examples::split(data, 0.5, 11)), target(examples::split(data, 0.5, 12));
  const auto source_study = tune(source, hpo::GradientDescent({.learning_rate = 0.1}));
  const auto cold = tune(target, hpo::GradientDescent({.learning_rate = 0.1}));
  const auto warm = tune(
      target, hpo::GradientDescent({.learning_rate = 0.1, .warm_start = hpo::WarmStart::from({source_study}, space)}));
  REQUIRE(warm.trials()[0].config == source_study.best().config);
  // Both reach the same optimum, which beats the start and the ends of the range.
  REQUIRE(warm.best().value == Approx(cold.best().value).epsilon(1e-6));
  REQUIRE(cold.best().value < cold.trials()[0].value);
  REQUIRE(cold.best().value < target.validation_loss(Eigen::VectorXd::Constant(1, 1e-5)));
  REQUIRE(cold.best().value < target.validation_loss(Eigen::VectorXd::Constant(1, 10.0)));
  REQUIRE(warm.trials().size() < cold.trials().size());
}
