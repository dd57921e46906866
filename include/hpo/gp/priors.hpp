#pragma once
// Priors of the Gaussian process's hyperparameters, for maximum a posteriori fitting:
// plain maximum likelihood collapses on small data (length scales run off to e^400 and
// the model becomes flat), a weak prior keeps the fit well-posed.
//
// The priors, on outputs standardized to zero mean and unit variance and inputs in the
// unit cube [0, 1]^d:
//  - each length scale ℓ_j ~ LogNormal(μ = √2 + ½·ln d, σ = √3), the dimension-scaled
//    prior of Hvarfner, Hellsten, Nardi, "Vanilla Bayesian Optimization Performs Great in
//    High Dimensions", ICML 2024 (BoTorch's default);
//  - signal variance σ² ~ LogNormal(μ = 1, σ = 1): its mode is 1, the variance of the
//    standardized outputs, and a factor of 10 either way costs only ~2.7 nats;
//  - noise variance σ_n² ~ LogNormal(μ = ln 1e-4 + 4, σ = 2): its mode is 1e-4, so
//    noiseless objectives stay close to interpolation, while reaching the hard floor
//    (1e-6, a bound of the optimizer) costs ~2.7 nats and a noise of 0.1 ~6 nats, so
//    the likelihood of a genuinely noisy objective overrides it after a few points.
//
// MAP convention (the one GPyTorch/BoTorch use): the objective adds ln p_θ(θ), the
// density of the hyperparameter θ itself, while the optimizer moves u = ln θ; the
// change-of-variables term ln|dθ/du| = u is deliberately NOT added. The prior alone is
// therefore maximized at the LogNormal's mode e^{μ − σ²}, not its median e^μ; in u it
// acts exactly like a Normal(μ − σ², σ²) up to a constant. (With the Jacobian, the
// length-scale prior's optimum would move up by a factor e³ ≈ 20, away from what the
// paper's experiments used.) Random restarts draw θ from the LogNormal itself.

#include "hpo/core/random.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace hpo::gp {

/// LogNormal(μ, σ) prior on a positive hyperparameter θ, evaluated at θ = e^u for the
/// log-space optimizer (see the MAP convention above).
/// Usage: `hpo::gp::LogNormalPrior prior{.mu = 0.0, .sigma = 1.0}; double lp = prior.log_density(u);`
struct LogNormalPrior {
  double mu = 0.0;
  double sigma = 1.0;

  /// ln p_θ(e^u) = −u − ln(σ√(2π)) − (u − μ)²/(2σ²).
  double log_density(double log_value) const noexcept {
    const double standardized = (log_value - mu) / sigma;
    return -log_value - std::log(sigma) - 0.5 * std::log(2.0 * std::numbers::pi) - 0.5 * standardized * standardized;
  }

  /// d/du of log_density.
  double log_density_derivative(double log_value) const noexcept { return -1.0 - (log_value - mu) / (sigma * sigma); }

  /// ln of the LogNormal's mode, where log_density peaks.
  double log_mode() const noexcept { return mu - sigma * sigma; }

  /// ln θ for θ drawn from the LogNormal.
  double sample_log(Rng& rng) const noexcept { return mu + sigma * rng.normal(); }
};

/// The priors GaussianProcess::fit uses, on the log-hyperparameter vector
/// [ln ℓ_1, ..., ln ℓ_d, ln σ², ln σ_n²].
/// Usage: `auto priors = hpo::gp::HyperparameterPriors::for_dimension(6); double lp = priors.log_density(theta);`
struct HyperparameterPriors {
  LogNormalPrior length_scale;
  LogNormalPrior signal_variance;
  LogNormalPrior noise_variance;
  /// Per input dimension, the length-scale prior's mu (sigma stays length_scale.sigma); empty:
  /// length_scale.mu in every dimension.
  Eigen::VectorXd length_scale_mu = {};

  /// The length-scale prior of input dimension j.
  LogNormalPrior length_scale_of(Eigen::Index j) const noexcept {
    return length_scale_mu.size() == 0 ? length_scale : LogNormalPrior{length_scale_mu[j], length_scale.sigma};
  }

  /// The defaults stated at the top of this header, for inputs of dimension d ≥ 1.
  static HyperparameterPriors for_dimension(Eigen::Index dimension) {
    if (dimension < 1) throw std::invalid_argument("hpo::gp::HyperparameterPriors: dimension must be at least 1");
    return {
        .length_scale = {.mu = std::numbers::sqrt2 + 0.5 * std::log(static_cast<double>(dimension)),
                         .sigma = std::sqrt(3.0)},
        .signal_variance = {.mu = 1.0, .sigma = 1.0},
        .noise_variance = {.mu = std::log(1e-4) + 4.0, .sigma = 2.0},
    };
  }

  /// Sum of the log-densities of all d + 2 hyperparameters.
  double log_density(const Eigen::VectorXd& log_hyperparameters) const {
    const Eigen::Index d = log_hyperparameters.size() - 2;
    double total = 0.0;
    for (Eigen::Index j = 0; j < d; ++j) total += length_scale_of(j).log_density(log_hyperparameters(j));
    return total + signal_variance.log_density(log_hyperparameters(d)) +
           noise_variance.log_density(log_hyperparameters(d + 1));
  }

  /// Gradient of log_density with respect to the log-hyperparameters.
  Eigen::VectorXd log_density_gradient(const Eigen::VectorXd& log_hyperparameters) const {
    const Eigen::Index d = log_hyperparameters.size() - 2;
    Eigen::VectorXd gradient(log_hyperparameters.size());
    for (Eigen::Index j = 0; j < d; ++j)
      gradient(j) = length_scale_of(j).log_density_derivative(log_hyperparameters(j));
    gradient(d) = signal_variance.log_density_derivative(log_hyperparameters(d));
    gradient(d + 1) = noise_variance.log_density_derivative(log_hyperparameters(d + 1));
    return gradient;
  }
};

}  // namespace hpo::gp
