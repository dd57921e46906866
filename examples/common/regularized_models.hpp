#pragma once
// Two regularized models whose validation loss has an exact hypergradient, for tuning the
// regularization strength by gradient descent: ridge regression (closed form) and L2-regularized
// logistic regression (Newton's method). The hypergradient comes from the implicit function
// theorem (Pedregosa, ICML 2016; Lorraine, Vicol & Duvenaud, AISTATS 2020): at the training
// optimum w*(lambda), grad_w L_train(w*, lambda) = 0, so
//   d w* / d log lambda = -H^{-1} d^2 L_train / (dw d log lambda),   H = d^2 L_train / dw^2,
//   d L_val / d log lambda = -v^T d^2 L_train / (dw d log lambda),   where H v = grad_w L_val.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <hpo/core/random.hpp>

#include "data.hpp"

namespace examples {

/// A training / validation split, features standardized with the training set's statistics.
struct Split {
  Eigen::MatrixXd train_x, validation_x;
  Eigen::VectorXd train_y, validation_y;
};

/// Shuffles the rows with hpo::Rng(seed) (the same split on every platform), puts the first
/// `train_fraction` of them in the training set, and standardizes every feature with the training
/// mean and standard deviation. `columns` picks features (all when empty).
inline Split split(const Dataset& data, double train_fraction, std::uint64_t seed,
                   const std::vector<Eigen::Index>& columns = {}) {
  const Eigen::Index n = data.features.rows();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  hpo::Rng rng(seed);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);  // Fisher-Yates
  const auto n_train = static_cast<Eigen::Index>(std::round(train_fraction * static_cast<double>(n)));
  if (n_train < 2 || n_train > n - 1) throw std::invalid_argument("examples::split: train_fraction leaves a set empty");

  std::vector<Eigen::Index> cols = columns;
  if (cols.empty()) {
    cols.resize(static_cast<std::size_t>(data.features.cols()));
    std::iota(cols.begin(), cols.end(), Eigen::Index{0});
  }
  const auto p = static_cast<Eigen::Index>(cols.size());
  Split s;
  s.train_x.resize(n_train, p);
  s.validation_x.resize(n - n_train, p);
  s.train_y.resize(n_train);
  s.validation_y.resize(n - n_train);
  for (Eigen::Index r = 0; r < n; ++r) {
    const Eigen::Index row = order[static_cast<std::size_t>(r)];
    for (Eigen::Index c = 0; c < p; ++c) {
      const double x = data.features(row, cols[static_cast<std::size_t>(c)]);
      if (r < n_train)
        s.train_x(r, c) = x;
      else
        s.validation_x(r - n_train, c) = x;
    }
    if (r < n_train)
      s.train_y[r] = data.targets[row];
    else
      s.validation_y[r - n_train] = data.targets[row];
  }
  const Eigen::RowVectorXd mean = s.train_x.colwise().mean();
  Eigen::RowVectorXd sd =
      ((s.train_x.rowwise() - mean).array().square().colwise().sum() / static_cast<double>(n_train)).sqrt();
  sd = sd.unaryExpr([](double v) { return v > 0.0 ? v : 1.0; });
  s.train_x = (s.train_x.rowwise() - mean).array().rowwise() / sd.array();
  s.validation_x = (s.validation_x.rowwise() - mean).array().rowwise() / sd.array();
  return s;
}

/// A validation loss and its gradient with respect to the log of each regularization strength.
struct HyperEvaluation {
  double loss = 0.0;
  Eigen::VectorXd gradient_log_lambda;
};

/// Ridge regression: w*(lambda) minimizes (1/2n) ||y - mean(y) - X w||^2 + (lambda/2) ||w||^2
/// (the intercept, the training mean, is not penalized); the validation loss is the mean squared
/// error. Closed form: (X^T X / n + lambda I) w = X^T (y - mean(y)) / n.
class RidgeRegression {
 public:
  explicit RidgeRegression(Split data) : data_(std::move(data)) {
    const double n = static_cast<double>(data_.train_x.rows());
    intercept_ = data_.train_y.mean();
    gram_ = data_.train_x.transpose() * data_.train_x / n;
    moment_ = data_.train_x.transpose() * (data_.train_y.array() - intercept_).matrix() / n;
  }

  Eigen::VectorXd weights(double lambda) const { return system(lambda).ldlt().solve(moment_); }

  double validation_loss(double lambda) const { return evaluate(lambda).loss; }

  /// The validation MSE and d MSE / d log lambda (one entry).
  HyperEvaluation evaluate(double lambda) const {
    const Eigen::LDLT<Eigen::MatrixXd> factor = system(lambda).ldlt();
    const Eigen::VectorXd w = factor.solve(moment_);
    const Eigen::VectorXd residual = (data_.validation_y.array() - intercept_).matrix() - data_.validation_x * w;
    const double m = static_cast<double>(data_.validation_x.rows());
    const Eigen::VectorXd grad_w = -2.0 / m * data_.validation_x.transpose() * residual;  // d MSE / d w
    const Eigen::VectorXd v = factor.solve(grad_w);
    // d^2 L_train / (dw d log lambda) = lambda * w.
    return {residual.squaredNorm() / m, Eigen::VectorXd::Constant(1, -lambda * v.dot(w))};
  }

 private:
  Eigen::MatrixXd system(double lambda) const {
    Eigen::MatrixXd a = gram_;
    a.diagonal().array() += lambda;
    return a;
  }

  Split data_;
  double intercept_ = 0.0;
  Eigen::MatrixXd gram_;
  Eigen::VectorXd moment_;
};

/// L2-regularized logistic regression with one weight decay per feature group: w*(lambda)
/// minimizes (1/n) sum_i [log(1 + e^{z_i}) - y_i z_i] + sum_j (lambda_{g(j)} / 2) w_j^2, with
/// z = X w + b and labels y in {0, 1}; the intercept b is not penalized. Trained by Newton's
/// method (LDLT solves, backtracking line search) to a gradient norm of 1e-10. The validation loss
/// is the mean log-loss.
class LogisticRegression {
 public:
  /// `groups[j]` is the group of feature j (0, 1, ...); empty puts every feature in group 0.
  LogisticRegression(Split data, std::vector<std::size_t> groups = {})
      : data_(std::move(data)), groups_(std::move(groups)) {
    const auto p = static_cast<std::size_t>(data_.train_x.cols());
    if (groups_.empty()) groups_.assign(p, 0);
    if (groups_.size() != p)
      throw std::invalid_argument("examples::LogisticRegression: " + std::to_string(groups_.size()) + " groups for " +
                                  std::to_string(p) + " features");
    group_count_ = *std::max_element(groups_.begin(), groups_.end()) + 1;
    train_ = with_intercept(data_.train_x);
    validation_ = with_intercept(data_.validation_x);
  }

  std::size_t group_count() const noexcept { return group_count_; }

  /// The trained coefficients (features, then the intercept).
  Eigen::VectorXd train(const Eigen::VectorXd& lambda) const {
    check(lambda);
    const Eigen::VectorXd penalty = penalty_diagonal(lambda);
    const double n = static_cast<double>(train_.rows());
    Eigen::VectorXd w = Eigen::VectorXd::Zero(train_.cols());
    double objective = training_objective(w, penalty);
    for (int iteration = 0; iteration < 200; ++iteration) {
      const Eigen::VectorXd p = sigmoid(train_ * w);
      const Eigen::VectorXd gradient = train_.transpose() * (p - data_.train_y) / n + penalty.cwiseProduct(w);
      if (gradient.norm() < 1e-10) return w;
      const Eigen::VectorXd step = hessian(w, penalty).ldlt().solve(gradient);
      if (gradient.norm() < 1e-6) {  // quadratic convergence region: the decrease is below rounding
        w -= step;
        objective = training_objective(w, penalty);
        continue;
      }
      double t = 1.0;
      for (int halving = 0; halving < 60; ++halving, t *= 0.5) {
        const Eigen::VectorXd candidate = w - t * step;
        const double value = training_objective(candidate, penalty);
        if (value <= objective - 1e-4 * t * gradient.dot(step)) {
          w = candidate;
          objective = value;
          break;
        }
        if (halving == 59) return w;  // no decrease possible at double precision: converged
      }
    }
    return w;
  }

  /// The validation log-loss.
  double validation_loss(const Eigen::VectorXd& lambda) const {
    return log_loss(validation_, data_.validation_y, train(lambda));
  }

  /// The validation log-loss and d loss / d log lambda_g for each group g, by the implicit
  /// function theorem: H v = grad_w L_val, then d L_val / d log lambda_g = -lambda_g * v_g^T w_g.
  HyperEvaluation evaluate(const Eigen::VectorXd& lambda) const {
    const Eigen::VectorXd w = train(lambda);
    const double m = static_cast<double>(validation_.rows());
    const Eigen::VectorXd grad_val = validation_.transpose() * (sigmoid(validation_ * w) - data_.validation_y) / m;
    const Eigen::VectorXd v = hessian(w, penalty_diagonal(lambda)).ldlt().solve(grad_val);
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(group_count_));
    for (std::size_t j = 0; j < groups_.size(); ++j) {
      const auto g = static_cast<Eigen::Index>(groups_[j]);
      gradient[g] -= lambda[g] * v[static_cast<Eigen::Index>(j)] * w[static_cast<Eigen::Index>(j)];
    }
    return {log_loss(validation_, data_.validation_y, w), gradient};
  }

  /// The share of validation rows classified correctly at threshold 1/2.
  double validation_accuracy(const Eigen::VectorXd& lambda) const {
    const Eigen::VectorXd z = validation_ * train(lambda);
    Eigen::Index right = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) right += (z[i] > 0.0) == (data_.validation_y[i] > 0.5);
    return static_cast<double>(right) / static_cast<double>(z.size());
  }

 private:
  static Eigen::MatrixXd with_intercept(const Eigen::MatrixXd& x) {
    Eigen::MatrixXd a(x.rows(), x.cols() + 1);
    a << x, Eigen::VectorXd::Ones(x.rows());
    return a;
  }

  static Eigen::VectorXd sigmoid(const Eigen::VectorXd& z) {
    return z.unaryExpr(
        [](double t) { return t >= 0 ? 1.0 / (1.0 + std::exp(-t)) : std::exp(t) / (1.0 + std::exp(t)); });
  }

  // Mean of log(1 + e^z) - y z, computed without overflow.
  static double log_loss(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& w) {
    const Eigen::VectorXd z = x * w;
    double sum = 0.0;
    for (Eigen::Index i = 0; i < z.size(); ++i)
      sum += std::max(z[i], 0.0) + std::log1p(std::exp(-std::abs(z[i]))) - y[i] * z[i];
    return sum / static_cast<double>(z.size());
  }

  void check(const Eigen::VectorXd& lambda) const {
    if (static_cast<std::size_t>(lambda.size()) != group_count_ || !(lambda.array() > 0.0).all())
      throw std::invalid_argument("examples::LogisticRegression: expected " + std::to_string(group_count_) +
                                  " positive weight decays");
  }

  Eigen::VectorXd penalty_diagonal(const Eigen::VectorXd& lambda) const {
    Eigen::VectorXd d = Eigen::VectorXd::Zero(train_.cols());  // the intercept (last) is not penalized
    for (std::size_t j = 0; j < groups_.size(); ++j)
      d[static_cast<Eigen::Index>(j)] = lambda[static_cast<Eigen::Index>(groups_[j])];
    return d;
  }

  double training_objective(const Eigen::VectorXd& w, const Eigen::VectorXd& penalty) const {
    return log_loss(train_, data_.train_y, w) + 0.5 * w.dot(penalty.cwiseProduct(w));
  }

  Eigen::MatrixXd hessian(const Eigen::VectorXd& w, const Eigen::VectorXd& penalty) const {
    const Eigen::VectorXd p = sigmoid(train_ * w);
    const Eigen::VectorXd s = p.cwiseProduct(Eigen::VectorXd::Ones(p.size()) - p);
    Eigen::MatrixXd h = train_.transpose() * s.asDiagonal() * train_ / static_cast<double>(train_.rows());
    h.diagonal() += penalty;
    return h;
  }

  Split data_;
  std::vector<std::size_t> groups_;
  std::size_t group_count_ = 1;
  Eigen::MatrixXd train_, validation_;
};

}  // namespace examples
