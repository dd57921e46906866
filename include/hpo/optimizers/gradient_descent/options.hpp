#pragma once
// The options of hpo::GradientDescent, and their validation.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

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

inline const char* to_string(GradientDescentStop stop) noexcept {
  switch (stop) {
    case GradientDescentStop::Budget:
      return "budget";
    case GradientDescentStop::GradientNorm:
      return "gradient norm";
    case GradientDescentStop::NoImprovement:
      return "no improvement";
    default:
      return "consecutive failures";
  }
}

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
inline void validate(const GradientDescentOptions& options) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::GradientDescent: " + what); };
  const auto number = [](double x) { return detail::format_value(x); };
  const auto& o = options;
  if (!(o.learning_rate > 0.0) || !std::isfinite(o.learning_rate))
    fail("learning_rate must be positive and finite, got " + number(o.learning_rate));
  if (o.method != GradientMethod::Adam && o.method != GradientMethod::Plain)
    fail("method = " + std::to_string(static_cast<int>(o.method)) + " is not an hpo::GradientMethod");
  if (!(o.step_decay > 0.0 && o.step_decay <= 1.0)) fail("step_decay must be in (0, 1], got " + number(o.step_decay));
  if (o.decay_every == 0) fail("decay_every must be at least 1, got 0");
  if (o.gradient_estimate != GradientEstimate::CentralDifferences && o.gradient_estimate != GradientEstimate::SPSA)
    fail("gradient_estimate = " + std::to_string(static_cast<int>(o.gradient_estimate)) +
         " is not an hpo::GradientEstimate");
  if (!(o.finite_difference_step > 0.0 && o.finite_difference_step <= 0.25))
    fail("finite_difference_step must be in (0, 0.25], got " + number(o.finite_difference_step));
  if (!(o.gradient_tolerance >= 0.0) || !std::isfinite(o.gradient_tolerance))
    fail("gradient_tolerance must be finite and >= 0, got " + number(o.gradient_tolerance));
  if (!(o.min_relative_improvement >= 0.0) || !std::isfinite(o.min_relative_improvement))
    fail("min_relative_improvement must be finite and >= 0, got " + number(o.min_relative_improvement));
  if (o.max_consecutive_failures == 0) fail("max_consecutive_failures must be at least 1, got 0");
  if (!(o.adam_beta1 >= 0.0 && o.adam_beta1 < 1.0)) fail("adam_beta1 must be in [0, 1), got " + number(o.adam_beta1));
  if (!(o.adam_beta2 >= 0.0 && o.adam_beta2 < 1.0)) fail("adam_beta2 must be in [0, 1), got " + number(o.adam_beta2));
  if (!(o.adam_epsilon > 0.0) || !std::isfinite(o.adam_epsilon))
    fail("adam_epsilon must be positive and finite, got " + number(o.adam_epsilon));
}

}  // namespace gradient
}  // namespace hpo
