// Ridge regression on the diabetes data: tune the regularization strength lambda by gradient
// descent on the validation error's exact hypergradient (implicit differentiation through the
// closed-form training solution), and check it against a dense grid.
//
//   ridge_diabetes             tune one split and print what was found
//   ridge_diabetes --measure   evaluations to converge, cold vs warm (started from another split's
//                              best lambda), and Bayesian optimization's, over 10 splits

#include <hpo/hpo.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/regularized_models.hpp"

namespace {

hpo::SearchSpace lambda_space() {
  hpo::SearchSpace space;
  space.add_real("lambda", 1e-6, 1e2, hpo::Scale::Log);
  return space;
}

// The validation MSE with its gradient d MSE / d lambda: hpo wants the gradient in the user's units,
// and the model gives d MSE / d log lambda, so divide by lambda (hpo converts back to the log scale).
auto objective(const examples::RidgeRegression& model) {
  return [&model](const hpo::Config& c) {
    const double lambda = c.get<double>("lambda");
    const auto e = model.evaluate(lambda);
    return hpo::Evaluation{.value = e.loss, .gradient = e.gradient_log_lambda / lambda};
  };
}

// The best validation MSE on a grid of 20001 log-spaced lambdas.
std::pair<double, double> grid_optimum(const examples::RidgeRegression& model) {
  double best = std::numeric_limits<double>::infinity(), best_lambda = 0.0;
  for (int i = 0; i <= 20000; ++i) {
    const double lambda = std::exp(std::log(1e-6) + i * (std::log(1e2) - std::log(1e-6)) / 20000);
    const double loss = model.validation_loss(lambda);
    if (loss < best) best = loss, best_lambda = lambda;
  }
  return {best, best_lambda};
}

// 1-based number of the first trial whose value is within `relative` of `target`; 0 if none.
std::size_t evaluations_to_reach(const hpo::Study& study, double target, double relative) {
  for (const auto& t : study.trials())
    if (t.completed() && t.value <= target + relative * std::abs(target)) return t.number + 1;
  return 0;
}

std::string count(std::size_t n, std::size_t budget) { return n ? std::to_string(n) : ">" + std::to_string(budget); }

int measure() {
  const auto data = examples::load_diabetes();
  const auto space = lambda_space();
  const std::size_t budget = 60;
  std::printf(
      "ridge regression, diabetes, 50/50 splits; evaluations until the best validation MSE is within\n"
      "1e-3 / 1e-5 (relative) of a 20001-point grid's optimum; 'stop' = when gradient descent stopped itself\n\n");
  std::printf("%5s %10s | %-17s | %-17s | %-9s\n", "split", "grid MSE", "GD cold 1e-3/1e-5/stop",
              "GD warm 1e-3/1e-5/stop", "BO 1e-3/1e-5");
  for (std::uint64_t s = 1; s <= 10; ++s) {
    const examples::RidgeRegression source(examples::split(data, 0.5, 1000 + s)), target(examples::split(data, 0.5, s));
    const double optimum = grid_optimum(target).first;
    hpo::GradientDescent source_gd({.seed = s, .learning_rate = 0.1});
    const auto source_study =
        hpo::optimize(space, objective(source), source_gd, {.max_evaluations = budget, .progress = false});
    hpo::GradientDescent cold_gd({.seed = s, .learning_rate = 0.1});
    const auto cold = hpo::optimize(space, objective(target), cold_gd, {.max_evaluations = budget, .progress = false});
    hpo::GradientDescent warm_gd(
        {.seed = s, .learning_rate = 0.1, .warm_start = hpo::WarmStart::from({source_study}, space)});
    const auto warm = hpo::optimize(space, objective(target), warm_gd, {.max_evaluations = budget, .progress = false});
    hpo::BayesianOptimization bo({.seed = s});
    const auto bayes = hpo::optimize(space, objective(target), bo, {.max_evaluations = budget, .progress = false});
    std::printf("%5d %10.3f | %5s %5s %5zu | %5s %5s %5zu | %4s %4s\n", static_cast<int>(s), optimum,
                count(evaluations_to_reach(cold, optimum, 1e-3), budget).c_str(),
                count(evaluations_to_reach(cold, optimum, 1e-5), budget).c_str(), cold.trials().size(),
                count(evaluations_to_reach(warm, optimum, 1e-3), budget).c_str(),
                count(evaluations_to_reach(warm, optimum, 1e-5), budget).c_str(), warm.trials().size(),
                count(evaluations_to_reach(bayes, optimum, 1e-3), budget).c_str(),
                count(evaluations_to_reach(bayes, optimum, 1e-5), budget).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--measure") return measure();

  const examples::RidgeRegression model(examples::split(examples::load_diabetes(), 0.5, 2));
  hpo::GradientDescent gd({.seed = 1, .learning_rate = 0.1});
  const hpo::Study study =
      hpo::optimize(lambda_space(), objective(model), gd, {.max_evaluations = 60, .progress = false});

  const auto& best = study.best();
  const auto [grid_loss, grid_lambda] = grid_optimum(model);
  std::printf("gradient descent: lambda %.5g, validation MSE %.4f, after %zu evaluations (stopped: %s)\n",
              best.config.get<double>("lambda"), best.value, study.trials().size(), gd.stop_message().c_str());
  std::printf("20001-point grid: lambda %.5g, validation MSE %.4f\n", grid_lambda, grid_loss);
  std::printf("unregularized (lambda 1e-6): validation MSE %.4f\n", model.validation_loss(1e-6));
}
