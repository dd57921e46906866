#pragma once
// How hpo::GradientDescent turns a gradient into a step: Adam or plain gradient descent, with a
// step schedule, projected onto the unit cube.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <Eigen/Core>

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

  void reset(Eigen::Index dimensions) {
    m_ = Eigen::VectorXd::Zero(dimensions);
    v_ = Eigen::VectorXd::Zero(dimensions);
    t_ = 0;
    momentum_t_ = 0;
    scale_ = 1.0;
    exponent_ = 0;
  }

  /// Forgets Adam's momentum (its first moment).
  void forget_momentum() {
    m_.setZero();
    momentum_t_ = 0;
  }

  /// Multiplies every later step by `factor`.
  void shrink(double factor) { scale_ *= factor; }

  /// The point after one step from theta along `gradient`, projected onto [0, 1]; `steps` is the
  /// number of steps taken so far (the schedule's clock), `previous` the iterate before theta.
  /// `fresh` when it is a new gradient: a retry after a backtrack reuses the last one, and leaves
  /// Adam's second moment as it was.
  Eigen::VectorXd step(const Eigen::VectorXd& theta, const std::optional<Eigen::VectorXd>& previous,
                       const Eigen::VectorXd& gradient, bool fresh, std::size_t steps) {
    const double rate = learning_rate_ * scale_ * std::pow(step_decay_, static_cast<double>(steps / decay_every_));
    Eigen::VectorXd direction = gradient;
    if (method_ == GradientMethod::Adam) {
      const Eigen::VectorXd g = scaled(gradient);
      const double b1 = beta1_, b2 = beta2_;
      if (fresh) {
        if (restart_momentum_ && previous && g.dot(theta - *previous) > 0.0) forget_momentum();
        ++t_;
        v_ = b2 * v_ + (1.0 - b2) * g.cwiseAbs2();
      }
      ++momentum_t_;
      m_ = b1 * m_ + (1.0 - b1) * g;
      const double c1 = 1.0 - std::pow(b1, static_cast<double>(momentum_t_));
      const double c2 = 1.0 - std::pow(b2, static_cast<double>(t_));
      direction = (m_ / c1).array() / ((v_ / c2).array().sqrt() + std::ldexp(epsilon_, -exponent_));
    }
    return (theta - rate * direction).cwiseMax(0.0).cwiseMin(1.0);
  }

 private:
  // Adam's step is the same when every gradient is multiplied by one power of two (epsilon with
  // it), so the moments are kept for gradients times 2^-exponent_, the exponent raised whenever a
  // gradient grows past 2^500: then the second moment, a square, cannot overflow (a gradient near
  // the largest double would make it infinite, and the step NaN). Below 2^500 nothing is scaled.
  Eigen::VectorXd scaled(const Eigen::VectorXd& gradient) {
    const double largest = gradient.cwiseAbs().maxCoeff();
    const int needed = largest > 0x1p500 ? std::ilogb(largest) - 500 : 0;
    if (needed > exponent_) {
      m_ *= std::ldexp(1.0, exponent_ - needed);
      v_ *= std::ldexp(1.0, 2 * (exponent_ - needed));
      exponent_ = needed;
    }
    return std::ldexp(1.0, -exponent_) * gradient;
  }

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
