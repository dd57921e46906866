#pragma once
// Bodies of step_rule.hpp; see core/linkage.hpp.
#include "hpo/optimizers/gradient_descent/step_rule.hpp"

namespace hpo::gradient {

HPO_INLINE void StepRule::reset(Eigen::Index dimensions) {
  m_ = Eigen::VectorXd::Zero(dimensions);
  v_ = Eigen::VectorXd::Zero(dimensions);
  t_ = 0;
  momentum_t_ = 0;
  scale_ = 1.0;
  exponent_ = 0;
}

HPO_INLINE void StepRule::forget_momentum() {
  m_.setZero();
  momentum_t_ = 0;
}

HPO_INLINE Eigen::VectorXd StepRule::step(const Eigen::VectorXd& theta, const std::optional<Eigen::VectorXd>& previous,
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

HPO_INLINE Eigen::VectorXd StepRule::scaled(const Eigen::VectorXd& gradient) {
  const double largest = gradient.cwiseAbs().maxCoeff();
  const int needed = largest > 0x1p500 ? std::ilogb(largest) - 500 : 0;
  if (needed > exponent_) {
    m_ *= std::ldexp(1.0, exponent_ - needed);
    v_ *= std::ldexp(1.0, 2 * (exponent_ - needed));
    exponent_ = needed;
  }
  return std::ldexp(1.0, -exponent_) * gradient;
}

}  // namespace hpo::gradient
