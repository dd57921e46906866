#pragma once
// Confidence-bound acquisition (GP-UCB: Srinivas, Krause, Kakade, Seeger, "Gaussian
// Process Optimization in the Bandit Setting: No Regret and Experimental Design",
// ICML 2010), written for minimization under the convention of every acquisition in
// hpo::acquisition (see log_expected_improvement.hpp): the objective is minimized, the
// acquisition maximized. Minimizing the lower confidence bound μ − √β·σ is the same as
// maximizing its negation √β·σ − μ, which is what this returns.

#include "hpo/acquisition/log_expected_improvement.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace hpo::acquisition {

/// Negated lower confidence bound √β·σ(x) − μ(x), to be maximized for a minimization
/// problem. β sets exploration; Srinivas et al. grow it like log t, a constant 4 (two
/// standard deviations) is a common practical choice and the default here.
/// Usage:
///   hpo::acquisition::UpperConfidenceBound ucb{.beta = 4.0};
///   auto [value, gradient] = ucb.value_and_gradient(gp, x);
struct UpperConfidenceBound {
  double beta = 4.0;

  double operator()(double mean, double variance) const noexcept {
    return std::sqrt(beta * std::max(variance, 0.0)) - mean;
  }

  /// Gradient: √β·∇v/(2σ) − ∇μ.
  template <PosteriorWithGradient P>
  AcquisitionValue operator()(const P& posterior) const {
    const double sigma =
        std::sqrt(std::max(static_cast<double>(posterior.variance), std::numeric_limits<double>::min()));
    const double root_beta = std::sqrt(beta);
    return {root_beta * sigma - posterior.mean,
            (root_beta / (2.0 * sigma)) * posterior.variance_gradient - posterior.mean_gradient};
  }

  template <class Model>
  double value(const Model& model, const Eigen::VectorXd& x) const {
    const auto prediction = model.predict(x);
    return (*this)(prediction.mean, prediction.variance);
  }

  template <class Model>
  AcquisitionValue value_and_gradient(const Model& model, const Eigen::VectorXd& x) const {
    return (*this)(model.predict_with_gradient(x));
  }
};

}  // namespace hpo::acquisition
