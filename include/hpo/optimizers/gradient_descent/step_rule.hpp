#pragma once
// How hpo::GradientDescent turns a gradient into a step: Adam or plain gradient descent, with a
// step schedule, projected onto the unit cube.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/optimizers/gradient_descent/options.hpp"

namespace hpo::gradient {

/// The step rule of GradientDescentOptions::method: Adam (Kingma & Ba, ICLR 2015), with its
/// momentum restarted when the new gradient says the last step went past a minimum (O'Donoghue &
/// Candes, Found. Comput. Math. 2015), or plain steps theta - rate * gradient; the rate follows
/// learning_rate * step_decay^floor(k / decay_every) times a scale that backtracking and failures
/// shrink. Not thread-safe.
/// Usage: `theta = rule.step(theta, previous, gradient, true, steps);`
class StepRule {
 public:
  explicit StepRule(const GradientDescentOptions& options)
      : method_(options.method),
        learning_rate_(options.learning_rate),
        step_decay_(options.step_decay),
        decay_every_(options.decay_every),
        beta1_(options.adam_beta1),
        beta2_(options.adam_beta2),
        epsilon_(options.adam_epsilon),
        restart_momentum_(options.restart_momentum) {}

  void reset(Eigen::Index dimensions);

  /// Forgets Adam's momentum (its first moment).
  void forget_momentum();

  /// Multiplies every later step by `factor`.
  void shrink(double factor) { scale_ *= factor; }

  /// The point after one step from theta along `gradient`, projected onto [0, 1]; `steps` is the
  /// number of steps taken so far (the schedule's clock), `previous` the iterate before theta.
  /// `fresh` when it is a new gradient: a retry after a backtrack reuses the last one, and leaves
  /// Adam's second moment as it was.
  Eigen::VectorXd step(const Eigen::VectorXd& theta, const std::optional<Eigen::VectorXd>& previous,
                       const Eigen::VectorXd& gradient, bool fresh, std::size_t steps);

 private:
  // Adam's step is the same when every gradient is multiplied by one power of two (epsilon with
  // it), so the moments are kept for gradients times 2^-exponent_, the exponent raised whenever a
  // gradient grows past 2^500: then the second moment, a square, cannot overflow (a gradient near
  // the largest double would make it infinite, and the step NaN). Below 2^500 nothing is scaled.
  Eigen::VectorXd scaled(const Eigen::VectorXd& gradient);

  GradientMethod method_;
  double learning_rate_, step_decay_;
  std::size_t decay_every_;
  double beta1_, beta2_, epsilon_;
  bool restart_momentum_;
  Eigen::VectorXd m_, v_;         // Adam's moments
  std::uint64_t t_ = 0;           // Adam's steps
  std::uint64_t momentum_t_ = 0;  // steps since the momentum was last restarted
  double scale_ = 1.0;
  int exponent_ = 0;  // the moments are those of the gradients times 2^-exponent_
};

}  // namespace hpo::gradient

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/gradient_descent/impl/step_rule.ipp"
#endif
