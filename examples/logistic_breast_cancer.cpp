// L2-regularized logistic regression on the breast-cancer data: tune one weight decay per feature
// group (the 10 means, the 10 standard errors, the 10 "worst" values) by gradient descent on the
// validation log-loss's hypergradient from the implicit function theorem. First cold, from the
// centre of the space; then warm, starting at the best weight decays of a source task (the same
// model on another split of the data), transferred with hpo::WarmStart.
//
//   logistic_breast_cancer             tune a source split, then the target cold and warm
//   logistic_breast_cancer --measure   evaluations to converge, cold vs warm, and Bayesian
//                                      optimization's, over 10 target splits, for one global
//                                      weight decay and for three groups

#include <hpo/hpo.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/regularized_models.hpp"

namespace {

const char* const group_names[] = {"decay_mean", "decay_se", "decay_worst"};

hpo::SearchSpace decay_space(std::size_t groups) {
  hpo::SearchSpace space;
  for (std::size_t g = 0; g < groups; ++g)
    space.add_real(groups == 1 ? "decay" : group_names[g], 1e-5, 10.0, hpo::Scale::Log);
  return space;
}

std::vector<std::size_t> feature_groups(std::size_t groups) {
  std::vector<std::size_t> g(30);
  for (std::size_t j = 0; j < 30; ++j) g[j] = groups == 1 ? 0 : j / 10;  // columns 0-9, 10-19, 20-29
  return g;
}

// The validation log-loss with its gradient in the user's units: d loss / d lambda_g =
// (d loss / d log lambda_g) / lambda_g.
auto objective(const examples::LogisticRegression& model, const hpo::SearchSpace& space) {
  return [&model, &space](const hpo::Config& c) {
    Eigen::VectorXd lambda(static_cast<Eigen::Index>(space.size()));
    for (std::size_t g = 0; g < space.size(); ++g) lambda[static_cast<Eigen::Index>(g)] = c.get<double>(space[g].name);
    const auto e = model.evaluate(lambda);
    return hpo::Evaluation{.value = e.loss, .gradient = e.gradient_log_lambda.cwiseQuotient(lambda)};
  };
}

hpo::Study tune(const examples::LogisticRegression& model, const hpo::SearchSpace& space, hpo::GradientDescent& gd,
                std::size_t budget) {
  return hpo::optimize(space, objective(model, space), gd, {.max_evaluations = budget, .progress = false});
}

std::size_t evaluations_to_reach(const hpo::Study& study, double target, double relative) {
  for (const auto& t : study.trials())
    if (t.completed() && t.value <= target + relative * std::abs(target)) return t.number + 1;
  return 0;
}

std::string count(std::size_t n, std::size_t budget) { return n ? std::to_string(n) : ">" + std::to_string(budget); }

int measure() {
  const auto data = examples::load_breast_cancer();
  const std::size_t budget = 100;
  std::printf(
      "logistic regression, breast cancer, 50/50 splits; evaluations until the best validation log-loss is\n"
      "within 1e-3 / 1e-5 (relative) of the reference optimum (the best of a 600-evaluation gradient descent\n"
      "and all runs); 'stop' = when gradient descent stopped itself; budget %zu\n",
      budget);
  for (std::size_t groups : {1, 3}) {
    const auto space = decay_space(groups);
    std::printf("\n%zu weight decay%s\n%5s %9s | %-17s | %-17s | %-9s\n", groups,
                groups == 1 ? "" : "s (mean, se, worst)", "split", "optimum", "GD cold 1e-3/1e-5/stop",
                "GD warm 1e-3/1e-5/stop", "BO 1e-3/1e-5");
    for (std::uint64_t s = 1; s <= 10; ++s) {
      const examples::LogisticRegression source(examples::split(data, 0.5, 1000 + s), feature_groups(groups));
      const examples::LogisticRegression target(examples::split(data, 0.5, s), feature_groups(groups));
      hpo::GradientDescent source_gd({.seed = s, .learning_rate = 0.1});
      const auto source_study = tune(source, space, source_gd, budget);
      hpo::GradientDescent cold_gd({.seed = s, .learning_rate = 0.1});
      const auto cold = tune(target, space, cold_gd, budget);
      hpo::GradientDescent warm_gd(
          {.seed = s, .learning_rate = 0.1, .warm_start = hpo::WarmStart::from({source_study}, space)});
      const auto warm = tune(target, space, warm_gd, budget);
      hpo::BayesianOptimization bo({.seed = s});
      const auto bayes =
          hpo::optimize(space, objective(target, space), bo, {.max_evaluations = budget, .progress = false});
      hpo::GradientDescent long_gd({.seed = s, .learning_rate = 0.05, .gradient_tolerance = 1e-9, .patience = 50});
      const auto reference_run = tune(target, space, long_gd, 600);
      const double optimum =
          std::min({reference_run.best().value, cold.best().value, warm.best().value, bayes.best().value});
      std::printf("%5d %9.6f | %5s %5s %5zu | %5s %5s %5zu | %4s %4s\n", static_cast<int>(s), optimum,
                  count(evaluations_to_reach(cold, optimum, 1e-3), budget).c_str(),
                  count(evaluations_to_reach(cold, optimum, 1e-5), budget).c_str(), cold.trials().size(),
                  count(evaluations_to_reach(warm, optimum, 1e-3), budget).c_str(),
                  count(evaluations_to_reach(warm, optimum, 1e-5), budget).c_str(), warm.trials().size(),
                  count(evaluations_to_reach(bayes, optimum, 1e-3), budget).c_str(),
                  count(evaluations_to_reach(bayes, optimum, 1e-5), budget).c_str());
    }
  }
  return 0;
}

void print(const char* what, const hpo::Study& study, const hpo::GradientDescent& gd,
           const examples::LogisticRegression& model) {
  const auto& best = study.best();
  Eigen::VectorXd lambda(static_cast<Eigen::Index>(study.space().size()));
  std::printf("%s: %zu evaluations (stopped: %s)\n   ", what, study.trials().size(), gd.stop_message().c_str());
  for (std::size_t g = 0; g < study.space().size(); ++g) {
    lambda[static_cast<Eigen::Index>(g)] = best.config.get<double>(study.space()[g].name);
    std::printf("%s %.3g  ", study.space()[g].name.c_str(), lambda[static_cast<Eigen::Index>(g)]);
  }
  std::printf("validation log-loss %.5f, accuracy %.3f\n", best.value, model.validation_accuracy(lambda));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--measure") return measure();

  const auto data = examples::load_breast_cancer();
  const auto space = decay_space(3);
  const examples::LogisticRegression source(examples::split(data, 0.5, 1001), feature_groups(3));
  const examples::LogisticRegression target(examples::split(data, 0.5, 1), feature_groups(3));

  hpo::GradientDescent source_gd({.seed = 1, .learning_rate = 0.1});
  const hpo::Study source_study = tune(source, space, source_gd, 100);
  print("source split", source_study, source_gd, source);

  hpo::GradientDescent cold({.seed = 1, .learning_rate = 0.1});
  print("target, cold", tune(target, space, cold, 100), cold, target);

  const auto warm_start = hpo::WarmStart::from({source_study}, space);
  hpo::GradientDescent warm({.seed = 1, .learning_rate = 0.1, .warm_start = warm_start});
  print("target, warm", tune(target, space, warm, 100), warm, target);
}
