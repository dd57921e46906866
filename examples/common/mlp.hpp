#pragma once
// A small multilayer perceptron for the examples, written with Eigen: fully connected hidden
// layers, softmax cross-entropy, mini-batch Adam with decoupled weight decay (AdamW), and weight
// transfer (copy the hidden layers of a trained network, re-initialize the output layer).
//
// Usage:
//   examples::Mlp net(64, {128}, 10, examples::Activation::Relu, /*seed=*/1);
//   net.train(x_train, y_train, {.learning_rate = 1e-3, .weight_decay = 1e-4, .batch_size = 32, .epochs = 20});
//   double accuracy = net.accuracy(x_valid, y_valid);
//   examples::Mlp target(64, {128}, 5, examples::Activation::Relu, 2);
//   target.copy_hidden_layers(net);  // then train `target` on the new task: fine-tuning
//
// Samples are rows (n x features), labels are integers 0 .. classes-1. Single precision: the
// products on mini-batches are what costs, and float halves their time. Everything is
// deterministic for a given seed (hpo::Rng draws the initial weights and the batch order).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <hpo/core/random.hpp>

namespace examples {

using Matrix = Eigen::MatrixXf;
using RowVector = Eigen::RowVectorXf;
using Labels = Eigen::VectorXi;

enum class Activation { Relu, Tanh, Elu, Sigmoid };

/// "relu", "tanh", "elu" or "sigmoid"; throws std::invalid_argument naming anything else.
inline Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::Relu;
  if (name == "tanh") return Activation::Tanh;
  if (name == "elu") return Activation::Elu;
  if (name == "sigmoid") return Activation::Sigmoid;
  throw std::invalid_argument("unknown activation \"" + name + "\" (expected relu, tanh, elu or sigmoid)");
}

inline const char* to_string(Activation a) {
  switch (a) {
    case Activation::Relu:
      return "relu";
    case Activation::Tanh:
      return "tanh";
    case Activation::Elu:
      return "elu";
    default:
      return "sigmoid";
  }
}

/// How to train: mini-batch Adam (Kingma & Ba 2015) with decoupled weight decay (Loshchilov &
/// Hutter 2019: each step also shrinks the weights, not the biases, by learning_rate * weight_decay).
struct TrainOptions {
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  int batch_size = 32;
  int epochs = 10;
  std::uint64_t seed = 0;  ///< the order of the mini-batches
  /// Leading layers kept fixed (e.g. hidden_layers() to train the output layer only: a linear probe).
  std::size_t frozen_layers = 0;
};

class Mlp {
 public:
  /// A network inputs -> hidden[0] -> ... -> outputs, weights drawn with He initialization
  /// (relu, elu) or Glorot initialization (tanh, sigmoid) from `seed`.
  Mlp(int inputs, std::vector<int> hidden, int outputs, Activation activation, std::uint64_t seed)
      : activation_(activation) {
    if (inputs < 1 || outputs < 2) throw std::invalid_argument("Mlp: need at least one input and two classes");
    std::vector<int> sizes{inputs};
    for (int h : hidden) {
      if (h < 1) throw std::invalid_argument("Mlp: a hidden layer needs at least one unit, got " + std::to_string(h));
      sizes.push_back(h);
    }
    sizes.push_back(outputs);
    hpo::Rng rng(seed, 0x4D4C50);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      layers_.push_back({Matrix(sizes[l], sizes[l + 1]), RowVector::Zero(sizes[l + 1])});
      initialize(layers_.back(), l + 2 == sizes.size() ? Activation::Tanh : activation, rng);
    }
  }

  int inputs() const { return static_cast<int>(layers_.front().weights.rows()); }
  int outputs() const { return static_cast<int>(layers_.back().weights.cols()); }
  std::size_t hidden_layers() const { return layers_.size() - 1; }
  int hidden_units(std::size_t layer) const { return static_cast<int>(layers_.at(layer).weights.cols()); }
  Activation activation() const { return activation_; }

  /// Weight transfer: copies every hidden layer of `source` (same inputs, hidden sizes and
  /// activation required) and keeps this network's own, freshly initialized output layer.
  void copy_hidden_layers(const Mlp& source) {
    if (source.activation_ != activation_ || source.layers_.size() != layers_.size())
      throw std::invalid_argument("Mlp::copy_hidden_layers: the source network has another architecture");
    for (std::size_t l = 0; l + 1 < layers_.size(); ++l) {
      if (source.layers_[l].weights.rows() != layers_[l].weights.rows() ||
          source.layers_[l].weights.cols() != layers_[l].weights.cols())
        throw std::invalid_argument("Mlp::copy_hidden_layers: hidden layer " + std::to_string(l) + " differs in size");
      layers_[l] = source.layers_[l];
    }
  }

  /// Training in progress, one epoch() at a time (to report a validation value after each, and
  /// stop early), with Adam's moments and the batch order carried across epochs exactly as train()
  /// does. The network and the data must outlive it.
  class Training;

  /// Trains on (x, y) for options.epochs passes of shuffled mini-batches; returns the mean training
  /// loss of the last epoch (NaN or an infinity when training diverged).
  double train(const Matrix& x, const Labels& y, const TrainOptions& options);

  /// Class probabilities, one row per sample.
  Matrix probabilities(const Matrix& x) const {
    std::vector<Matrix> activations(layers_.size() + 1), pre(layers_.size());
    activations[0] = x;
    forward(activations, pre);
    return activations.back();
  }

  /// Share of samples whose most probable class is the label (a sample with a non-finite output,
  /// from a diverged network, counts as wrong).
  double accuracy(const Matrix& x, const Labels& y) const {
    check(x, y);
    const Matrix p = probabilities(x);
    Eigen::Index right = 0;
    for (Eigen::Index r = 0; r < p.rows(); ++r) {
      if (!p.row(r).allFinite()) continue;
      Eigen::Index label = 0;
      p.row(r).maxCoeff(&label);
      right += label == y[r];
    }
    return static_cast<double>(right) / static_cast<double>(x.rows());
  }

  /// Mean cross-entropy on (x, y).
  double loss(const Matrix& x, const Labels& y) const {
    check(x, y);
    const Matrix p = probabilities(x);
    double total = 0.0;
    for (Eigen::Index r = 0; r < p.rows(); ++r) total -= std::log(std::max(static_cast<double>(p(r, y[r])), 1e-12));
    return total / static_cast<double>(x.rows());
  }

 private:
  struct Layer {
    Matrix weights;  // inputs x outputs
    RowVector bias;
  };
  struct Moments {
    Layer m, v;
    static Moments like(const Layer& layer) {
      const auto r = layer.weights.rows(), c = layer.weights.cols();
      return {{Matrix::Zero(r, c), RowVector::Zero(c)}, {Matrix::Zero(r, c), RowVector::Zero(c)}};
    }
  };

  static void initialize(Layer& layer, Activation activation, hpo::Rng& rng) {
    const auto fan_in = static_cast<double>(layer.weights.rows()), fan_out = static_cast<double>(layer.weights.cols());
    const bool he = activation == Activation::Relu || activation == Activation::Elu;
    const double scale = he ? std::sqrt(2.0 / fan_in) : std::sqrt(2.0 / (fan_in + fan_out));
    for (Eigen::Index c = 0; c < layer.weights.cols(); ++c)
      for (Eigen::Index r = 0; r < layer.weights.rows(); ++r)
        layer.weights(r, c) = static_cast<float>(scale * rng.normal());
    layer.bias.setZero();
  }

  // activations[0] is the input; fills pre[l] (pre-activations of hidden layer l) and the rest.
  void forward(std::vector<Matrix>& activations, std::vector<Matrix>& pre) const {
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      Matrix z = activations[l] * layers_[l].weights;
      z.rowwise() += layers_[l].bias;
      if (l + 1 < layers_.size()) {
        activations[l + 1] = activate(z);
        pre[l] = std::move(z);
      } else {
        z.colwise() -= z.rowwise().maxCoeff();  // softmax, stabilized
        z = z.array().exp();
        z.array().colwise() /= z.rowwise().sum().array();
        activations[l + 1] = std::move(z);
      }
    }
  }

  Matrix activate(const Matrix& z) const {
    switch (activation_) {
      case Activation::Relu:
        return z.cwiseMax(0.0f);
      case Activation::Tanh:
        return z.array().tanh();
      case Activation::Elu:
        return (z.array() > 0.0f).select(z, z.array().exp() - 1.0f);
      default:
        return (1.0f + (-z.array()).exp()).inverse();
    }
  }

  // d activation / d z, from the pre-activation z and the activation a.
  Matrix derivative(const Matrix& z, const Matrix& a) const {
    switch (activation_) {
      case Activation::Relu:
        return (z.array() > 0.0f).cast<float>();
      case Activation::Tanh:
        return 1.0f - a.array().square();
      case Activation::Elu:
        return (z.array() > 0.0f).select(Matrix::Ones(z.rows(), z.cols()), a.array() + 1.0f);
      default:
        return a.array() * (1.0f - a.array());
    }
  }

  void check(const Matrix& x, const Labels& y) const {
    if (x.cols() != inputs())
      throw std::invalid_argument("Mlp: " + std::to_string(x.cols()) + " features, the network takes " +
                                  std::to_string(inputs()));
    if (x.rows() != y.size() || x.rows() == 0)
      throw std::invalid_argument("Mlp: features and labels differ in count, or are empty");
    if (y.size() > 0 && (y.minCoeff() < 0 || y.maxCoeff() >= outputs()))
      throw std::invalid_argument("Mlp: a label is outside 0.." + std::to_string(outputs() - 1));
  }

  Activation activation_;
  std::vector<Layer> layers_;

 public:
  class Training {
   public:
    Training(Mlp& net, const Matrix& x, const Labels& y, const TrainOptions& options)
        : net_(net), x_(x), y_(y), options_(options), rng_(options.seed, 0xB47C4) {
      net.check(x, y);
      if (options.batch_size < 1 || options.epochs < 0 || !(options.learning_rate > 0.0) ||
          options.weight_decay < 0.0 || options.frozen_layers >= net.layers_.size())
        throw std::invalid_argument("Mlp::train: invalid options");
      for (const auto& layer : net.layers_) moments_.push_back(Moments::like(layer));
      order_.resize(static_cast<std::size_t>(x.rows()));
      std::iota(order_.begin(), order_.end(), Eigen::Index{0});
      activations_.resize(net.layers_.size() + 1);
      pre_.resize(net.layers_.size());
      gradients_ = net.layers_;
    }

    /// One pass of shuffled mini-batches; the mean training loss of the pass (NaN or an infinity
    /// when training diverged).
    double epoch() {
      const auto n = x_.rows();
      const auto batch = std::min<Eigen::Index>(options_.batch_size, n);
      for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
      Matrix xs(n, x_.cols());
      Labels ys(n);
      for (Eigen::Index r = 0; r < n; ++r) {
        xs.row(r) = x_.row(order_[static_cast<std::size_t>(r)]);
        ys[r] = y_[order_[static_cast<std::size_t>(r)]];
      }
      double epoch_loss = 0.0;
      for (Eigen::Index start = 0; start < n; start += batch)
        epoch_loss +=
            step(xs.middleRows(start, std::min(batch, n - start)), ys.segment(start, std::min(batch, n - start)));
      return epoch_loss / static_cast<double>(n);
    }

   private:
    // One Adam step on a mini-batch; its summed cross-entropy.
    double step(const Matrix& xb, const Labels& yb) {
      auto& layers = net_.layers_;
      const auto m = xb.rows();
      activations_[0] = xb;
      net_.forward(activations_, pre_);
      // Softmax cross-entropy: the gradient at the logits is (probabilities - one-hot) / m.
      Matrix delta = activations_.back();
      double loss = 0.0;
      for (Eigen::Index r = 0; r < m; ++r) {
        const int label = yb[r];
        loss -= std::log(std::max(delta(r, label), 1e-12f));
        delta(r, label) -= 1.0f;
      }
      delta /= static_cast<float>(m);
      for (std::size_t l = layers.size(); l-- > options_.frozen_layers;) {
        gradients_[l].weights.noalias() = activations_[l].transpose() * delta;
        gradients_[l].bias = delta.colwise().sum();
        if (l > options_.frozen_layers) {
          Matrix back = delta * layers[l].weights.transpose();
          delta = back.cwiseProduct(net_.derivative(pre_[l - 1], activations_[l]));
        }
      }
      adam_update();
      return loss;
    }

    void adam_update() {
      constexpr float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
      const auto lr = static_cast<float>(options_.learning_rate);
      const auto decay = static_cast<float>(options_.learning_rate * options_.weight_decay);
      ++steps_;
      const float correction1 = 1.0f - std::pow(beta1, static_cast<float>(steps_));
      const float correction2 = 1.0f - std::pow(beta2, static_cast<float>(steps_));
      const float step_size = lr * std::sqrt(correction2) / correction1;
      auto& layers = net_.layers_;
      for (std::size_t l = options_.frozen_layers; l < layers.size(); ++l) {
        auto& mo = moments_[l];
        mo.m.weights = beta1 * mo.m.weights + (1 - beta1) * gradients_[l].weights;
        mo.v.weights = beta2 * mo.v.weights + (1 - beta2) * gradients_[l].weights.cwiseAbs2();
        mo.m.bias = beta1 * mo.m.bias + (1 - beta1) * gradients_[l].bias;
        mo.v.bias = beta2 * mo.v.bias + (1 - beta2) * gradients_[l].bias.cwiseAbs2();
        layers[l].weights *= 1.0f - decay;
        layers[l].weights.array() -= step_size * mo.m.weights.array() / (mo.v.weights.array().sqrt() + epsilon);
        layers[l].bias.array() -= step_size * mo.m.bias.array() / (mo.v.bias.array().sqrt() + epsilon);
      }
    }

    Mlp& net_;
    const Matrix& x_;
    const Labels& y_;
    TrainOptions options_;
    hpo::Rng rng_;
    std::vector<Moments> moments_;
    std::vector<Eigen::Index> order_;
    std::vector<Matrix> activations_, pre_;
    std::vector<Layer> gradients_;
    std::int64_t steps_ = 0;
  };
};

inline double Mlp::train(const Matrix& x, const Labels& y, const TrainOptions& options) {
  Training training(*this, x, y, options);
  double last_loss = 0.0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    last_loss = training.epoch();
    if (!std::isfinite(last_loss)) return last_loss;
  }
  return last_loss;
}

}  // namespace examples
