#pragma once
// The options of hpo::GradientDescent, and their validation.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/space/config.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// How hpo::GradientDescent turns a gradient into a step: Adam (Kingma & Ba, ICLR 2015), or plain
/// gradient descent, theta <- theta - rate * gradient.
enum class GradientMethod { Adam, Plain };

/// How hpo::GradientDescent estimates a gradient when the objective returns none: central
/// differences (2 evaluations per real parameter) or SPSA (Spall 1992: 2 evaluations whatever the
/// number of parameters, along a random +-1 direction).
enum class GradientEstimate { CentralDifferences, SPSA };

/// Why hpo::GradientDescent stopped proposing.
/// Budget: it did not stop by itself; the run's budget (max_evaluations, max_seconds) or a callback
/// ended the run. GradientNorm: the projected gradient became small. NoImprovement: the best value
/// did not improve enough over `patience` steps. ConsecutiveFailures: `max_consecutive_failures`
/// evaluations in a row failed (ask() threw hpo::TooManyFailures).
enum class GradientDescentStop { Budget, GradientNorm, NoImprovement, ConsecutiveFailures };

HPO_INLINE const char* to_string(GradientDescentStop stop) noexcept;

/// Options of hpo::GradientDescent; designated initializers follow this order.
struct GradientDescentOptions {
  /// Seeds SPSA's random directions (the only randomness).
  std::uint64_t seed = 0;
  /// Step size in the unit cube, where every real parameter spans [0, 1] (in its logarithm for a
  /// log scale). With Adam it is about the distance each coordinate moves per step.
  double learning_rate = 0.05;
  /// Transfer from earlier studies: the search starts at their best configuration.
  WarmStart warm_start{};
  /// Where to start without a warm start (validated against the space); default: the centre of
  /// the space (the value at the middle of each parameter's unit interval).
  std::optional<Config> start{};
  GradientMethod method = GradientMethod::Adam;
  /// Step schedule: step k uses learning_rate * step_decay^floor(k / decay_every). 1 keeps it fixed.
  double step_decay = 1.0;
  std::size_t decay_every = 10;
  /// Used only when the objective returns no gradient.
  GradientEstimate gradient_estimate = GradientEstimate::CentralDifferences;
  /// Half-width of a finite difference, and SPSA's perturbation, in the unit cube.
  double finite_difference_step = 1e-3;
  /// Stop when the projected gradient's norm in the unit cube (to first order, the change in value
  /// across each parameter's whole range) is at most gradient_tolerance * max(1, |value|). Not
  /// applied to SPSA estimates, which can vanish by chance far from a minimum.
  double gradient_tolerance = 1e-6;
  /// Stop when the best value has not improved by a relative min_relative_improvement over the
  /// last `patience` steps; patience 0 never stops this way.
  std::size_t patience = 10;
  double min_relative_improvement = 1e-6;
  /// This many failed evaluations in a row end the run with hpo::TooManyFailures.
  std::size_t max_consecutive_failures = 10;
  /// Adam's moment decay rates and denominator guard.
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  /// Adam only: forget the momentum when the new gradient says the last step went past a minimum
  /// (g . step > 0), the gradient restart of O'Donoghue & Candes (2015); it damps the overshoot.
  bool restart_momentum = true;
  /// Take back a step that raised the value at the iterate: forget the momentum, and try the
  /// minimum of the parabola through the previous value, its slope along the step and the new
  /// value (between 0.1 and 0.5 of the step; the step size shrinks by the same factor). The
  /// iterates then settle instead of cycling around a minimum, and an over-long first step cannot
  /// throw a good (warm) start away. Turn off for noisy objectives.
  bool backtrack = true;
};

namespace gradient {

/// Throws std::invalid_argument naming the first field of `options` out of range, and its value.
HPO_INLINE void validate(const GradientDescentOptions& options);

}  // namespace gradient
}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/gradient_descent/impl/options.ipp"
#endif
