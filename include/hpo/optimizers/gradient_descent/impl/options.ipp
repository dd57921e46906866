#pragma once
// Bodies of options.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent/options.hpp"

namespace hpo {

HPO_INLINE const char* to_string(GradientDescentStop stop) noexcept {
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

namespace gradient {

HPO_INLINE void validate(const GradientDescentOptions& options) {
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
