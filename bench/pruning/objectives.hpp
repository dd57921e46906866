#pragma once
// The two objectives of the pruning benchmark, each trained one epoch at a time:
//   synthetic  a family of learning curves (bench/pruning/README.md): four parameters in [0, 1]; the
//              final value depends on all four, the curve's shape (exponential, power law or a late
//              drop after a plateau) and speed on x3, its height on x1 and x3, so curves cross and
//              stopping early can be wrong; Gaussian noise on every epoch.
//   adversarial the same form, with every curve of the best quarter of the space on a plateau for
//              its first 25 epochs or more: stopping early is wrong there by construction.
//   mlp        the examples' MLP on digits 5-9 (the flagship's data-poor target task: 300 training
//              and 300 validation images), validation cross-entropy after each epoch.
// A curve is made from a configuration and a seed; next() trains one more epoch and returns the
// validation value (lower is better).

#include <hpo/space/config.hpp>
#include <hpo/space/search_space.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/data.hpp"
#include "common/mlp.hpp"

namespace bench {

inline constexpr int kMaxEpochs = 100;

class Curve {
 public:
  virtual ~Curve() = default;
  virtual double next() = 0;
};

// ---- synthetic ---------------------------------------------------------------------------------

inline hpo::SearchSpace synthetic_space() {
  hpo::SearchSpace space;
  space.add_real("x0", 0.0, 1.0).add_real("x1", 0.0, 1.0).add_real("x2", 0.0, 1.0).add_real("x3", 0.0, 1.0);
  return space;
}

/// The shape of a family: value(t) = final + amplitude * (phi(t) - phi(100)) + noise, t = 1..100,
/// with final = 0.6 (x0 - 0.7)^2 + 0.8 (x1 - 0.25)^2 + 0.4 (x2 - 0.5)^2 + 0.1 (1 - cos(6 pi x0 x2))
/// + speed_cost * x3 (x3 acts as a learning rate: a fast learner ends worse), and noise
/// ~ N(0, (0.01 + 0.03 / sqrt(t))^2) drawn from the seed, the configuration and t.
struct CurveFamily {
  double speed_cost;    // final += speed_cost * x3
  double amplitude_x1;  // amplitude = base + amplitude_x3 * (1 - x3) + amplitude_x1 * x1
  double amplitude_x3;
  double amplitude_base;
  double exponential_from;  // x3 >= this: exp(-t / (tau0 + tau1 (1 - x3)))
  double tau0, tau1;
  double power_from;          // power_from <= x3 < exponential_from: t^-(0.3 + 1.2 x3)
  double plateau0, plateau1;  // x3 < power_from: 1 / (1 + exp((t - plateau0 - plateau1 (1 - x3)) / 4))
};

/// synthetic: curves whose height depends on x1 and x3 more than on the final value, in three
/// shapes; 15% of the space (x3 < 0.15) sits on a plateau for its first 10-25 epochs, then drops.
inline constexpr CurveFamily kSynthetic{.speed_cost = 0.1,
                                        .amplitude_x1 = 0.5,
                                        .amplitude_x3 = 0.5,
                                        .amplitude_base = 0.5,
                                        .exponential_from = 0.5,
                                        .tau0 = 3.0,
                                        .tau1 = 30.0,
                                        .power_from = 0.15,
                                        .plateau0 = 5.0,
                                        .plateau1 = 20.0};
/// adversarial: the configurations that end best learn slowest: a quarter of the space (x3 < 0.25,
/// up to 0.05 better at the end than anything faster) sits on a plateau for its first 30-38 epochs,
/// 1.5-2 above its final value, where every other curve has long dropped.
inline constexpr CurveFamily kAdversarial{.speed_cost = 0.2,
                                          .amplitude_x1 = 0.5,
                                          .amplitude_x3 = 1.2,
                                          .amplitude_base = 0.3,
                                          .exponential_from = 0.6,
                                          .tau0 = 4.0,
                                          .tau1 = 40.0,
                                          .power_from = 0.25,
                                          .plateau0 = 8.0,
                                          .plateau1 = 30.0};

class SyntheticCurve final : public Curve {
 public:
  SyntheticCurve(const hpo::Config& c, std::uint64_t seed, const CurveFamily& family)
      : family_(family),
        x0_(c.get<double>("x0")),
        x1_(c.get<double>("x1")),
        x2_(c.get<double>("x2")),
        x3_(c.get<double>("x3")) {
    std::uint64_t h = seed * 0x9E3779B97F4A7C15ULL;
    for (double x : {x0_, x1_, x2_, x3_})
      h = (h ^ static_cast<std::uint64_t>(x * 9007199254740992.0)) * 0x100000001B3ULL;
    rng_ = hpo::Rng(h, 0x5C);
  }

  double final_value() const {
    const double pi = std::numbers::pi;
    return 0.6 * (x0_ - 0.7) * (x0_ - 0.7) + 0.8 * (x1_ - 0.25) * (x1_ - 0.25) + 0.4 * (x2_ - 0.5) * (x2_ - 0.5) +
           0.1 * (1.0 - std::cos(6.0 * pi * x0_ * x2_)) + family_.speed_cost * x3_;
  }

  double next() override {
    ++t_;
    const double amplitude = family_.amplitude_base + family_.amplitude_x3 * (1.0 - x3_) + family_.amplitude_x1 * x1_;
    const double noise = (0.01 + 0.03 / std::sqrt(static_cast<double>(t_))) * rng_.normal();
    return final_value() + amplitude * (phi(t_) - phi(kMaxEpochs)) + noise;
  }

 private:
  double phi(int t) const {
    const double time = static_cast<double>(t);
    if (x3_ >= family_.exponential_from) return std::exp(-time / (family_.tau0 + family_.tau1 * (1.0 - x3_)));
    if (x3_ >= family_.power_from) return std::pow(time, -(0.3 + 1.2 * x3_));
    return 1.0 / (1.0 + std::exp((time - (family_.plateau0 + family_.plateau1 * (1.0 - x3_))) / 4.0));
  }

  CurveFamily family_;
  double x0_, x1_, x2_, x3_;
  hpo::Rng rng_;
  int t_ = 0;
};

// ---- the MLP on digits 5-9 -------------------------------------------------------------------------

inline hpo::SearchSpace mlp_space() {
  hpo::SearchSpace space;
  space.add_real("learning_rate", 1e-4, 0.3, hpo::Scale::Log)
      .add_real("weight_decay", 1e-5, 1.0, hpo::Scale::Log)
      .add_int("hidden_units", 8, 512, hpo::Scale::Log)
      .add_int("batch_size", 8, 256, hpo::Scale::Log)
      .add_categorical("activation", {"relu", "tanh", "elu", "sigmoid"});
  return space;
}

/// Digits 5-9 as the flagship splits them: the first 300 train, the next 300 validate.
struct DigitsTask {
  examples::Matrix x_train, x_valid;
  examples::Labels y_train, y_valid;

  static DigitsTask load(const std::string& directory) {
    const examples::Dataset data = examples::load_digits(directory);
    std::vector<Eigen::Index> rows;
    for (Eigen::Index r = 0; r < data.targets.size(); ++r)
      if (data.targets[r] >= 5) rows.push_back(r);
    if (rows.size() < 600) throw std::runtime_error("digits.csv: fewer than 600 images of digits 5-9");
    DigitsTask task;
    const auto fill = [&](examples::Matrix& x, examples::Labels& y, std::size_t first) {
      x.resize(300, data.features.cols());
      y.resize(300);
      for (Eigen::Index i = 0; i < 300; ++i) {
        const auto r = rows[first + static_cast<std::size_t>(i)];
        x.row(i) = (data.features.row(r) / 16.0).cast<float>();
        y[i] = static_cast<int>(data.targets[r]) - 5;
      }
    };
    fill(task.x_train, task.y_train, 0);
    fill(task.x_valid, task.y_valid, 300);
    return task;
  }
};

/// A diverged network (a non-finite loss) scores kDiverged, worse than chance (ln 5 = 1.61).
inline constexpr double kDiverged = 10.0;

class MlpCurve final : public Curve {
 public:
  MlpCurve(const hpo::Config& c, std::uint64_t seed, const DigitsTask& task)
      : task_(task),
        net_(64, {c.get<int>("hidden_units")}, 5, examples::parse_activation(c.get<std::string>("activation")), seed),
        training_(std::make_unique<examples::Mlp::Training>(
            net_, task.x_train, task.y_train,
            examples::TrainOptions{.learning_rate = c.get<double>("learning_rate"),
                                   .weight_decay = c.get<double>("weight_decay"),
                                   .batch_size = c.get<int>("batch_size"),
                                   .epochs = kMaxEpochs,
                                   .seed = seed})) {}

  double next() override {
    if (diverged_) return kDiverged;
    training_->epoch();
    const double loss = net_.loss(task_.x_valid, task_.y_valid);
    diverged_ = !std::isfinite(loss);
    return diverged_ ? kDiverged : std::min(loss, kDiverged);
  }

 private:
  const DigitsTask& task_;
  examples::Mlp net_;
  std::unique_ptr<examples::Mlp::Training> training_;
  bool diverged_ = false;
};

}  // namespace bench
