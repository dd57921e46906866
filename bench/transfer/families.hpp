// Transfer-learning benchmark families (issue 4): seeded source tasks and a target task per seed.
//
// Every family gives, for a seed s and a task index i (0 = the target, 1..kSources = the sources),
// a task: an hpo::SearchSpace, an objective double(const hpo::Config&) to minimize, and (for the
// target) its optimum over the space, exact or numerically estimated. Task parameters are drawn
// from hpo::Rng(family_seed(family, s), i), so they are the same on every platform.
//
//   quadratic      Perrone et al. 2018 (ABLR): f(x) = 1/2 a2 |x|^2 + a1 (1'x) + a0 on [-5, 5]^3,
//                  a0, a1, a2 ~ U[0.1, 10] per task. Optimum in closed form (per coordinate).
//   hartmann       perturbed Hartmann-3 on [0, 1]^3: f(x) = c * h(x - delta; alpha', A') + o with
//                  delta_j ~ U[-0.1, 0.1], alpha'_i = alpha_i (1 + U[-0.05, 0.05]),
//                  A'_ij = A_ij (1 + U[-0.1, 0.1]), c ~ U[0.5, 2], o ~ U[-1, 1]. Optimum by
//                  multi-start L-BFGS-B (the 4 shifted centres P_i + delta and 32 random starts).
//   digits-krr     RBF / Laplacian kernel ridge regression on +-1 labels of one digit pair of
//                  examples/data/digits.csv (pixels / 16): 200 training and up to 160 validation
//                  images, objective the validation mean squared error; parameters gamma (log,
//                  [1e-4, 10]), lambda (log, [1e-6, 10]) and kernel {rbf, laplacian}. The tasks of
//                  a seed are distinct digit pairs. Optimum by a 41 x 41 grid per kernel in the
//                  unit square of (gamma, lambda), refined by a 21 x 21 grid over +-1 cell around
//                  each kernel's best grid point.
//   unrelated      control: the target is the hartmann target of the same seed (identical task),
//                  the sources are Styblinski-Tang 3-D on the same space: f(x) = c/40 * ST(10 (x -
//                  delta) - 5), delta_j ~ U[-0.1, 0.1], c ~ U[0.5, 2]; ST's minimizer maps to
//                  x_j = 0.21 + delta_j, far from Hartmann-3's (0.11, 0.56, 0.85).
#pragma once

#include <hpo/hpo.hpp>

#include <LBFGSB.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../../examples/common/data.hpp"

namespace hpo::bench::transfer {

/// Source tasks per seed.
inline constexpr int kSources = 3;

/// One task of a family: its space and objective (minimized).
struct Task {
  std::string family;
  int seed = 0;
  int index = 0;  ///< 0 the target, 1..kSources the sources
  hpo::SearchSpace space;
  std::function<double(const hpo::Config&)> objective;
  std::string description;  ///< the drawn task parameters, human-readable
};

/// The minimum of a target over its space and how it was obtained.
struct Optimum {
  double value = 0.0;
  std::string method;
};

/// Seed of the task-parameter stream of a family and seed.
inline std::uint64_t family_seed(std::uint64_t family_id, int seed) {
  std::uint64_t state = family_id * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(seed);
  return hpo::splitmix64(state);
}

class Family {
 public:
  virtual ~Family() = default;
  virtual std::string name() const = 0;
  virtual Task task(int seed, int index) const = 0;
  /// The optimum of task(seed, 0).
  virtual Optimum optimum(int seed) const = 0;
};

namespace detail {

inline std::string format(double v) {
  std::ostringstream out;
  out.precision(6);
  out << v;
  return out.str();
}

/// Minimizes f (value and gradient) over the box [lo, hi]^d from each start with L-BFGS-B;
/// returns the lowest value evaluated anywhere (so a failing line search loses nothing).
inline double multistart_lbfgsb(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& f,
                                const std::vector<Eigen::VectorXd>& starts, double lo, double hi) {
  double best = std::numeric_limits<double>::infinity();
  auto tracked = [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    const double v = f(x, g);
    best = std::min(best, v);
    return v;
  };
  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = 1e-10;
  param.epsilon_rel = 1e-10;
  param.max_iterations = 500;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  for (const auto& start : starts) {
    const auto d = start.size();
    Eigen::VectorXd x = start.cwiseMax(lo).cwiseMin(hi);
    const Eigen::VectorXd lower = Eigen::VectorXd::Constant(d, lo), upper = Eigen::VectorXd::Constant(d, hi);
    double fx = 0.0;
    try {
      solver.minimize(tracked, x, fx, lower, upper);
    } catch (const std::exception&) {
      // line-search failures near the optimum: the best evaluated value is kept
    }
  }
  return best;
}

/// Median of `n` values of a target at uniform random points of its space (a reference level).
inline double random_median(const Task& task, int n = 512) {
  hpo::Rng rng(0x5EEDBA5EULL, static_cast<std::uint64_t>(task.seed));
  std::vector<double> values;
  Eigen::VectorXd u(static_cast<Eigen::Index>(task.space.size()));
  for (int k = 0; k < n; ++k) {
    for (Eigen::Index j = 0; j < u.size(); ++j) u[j] = rng.uniform();
    values.push_back(task.objective(task.space.from_unit(u)));
  }
  std::sort(values.begin(), values.end());
  return values.size() % 2 ? values[values.size() / 2]
                           : 0.5 * (values[values.size() / 2 - 1] + values[values.size() / 2]);
}

inline std::vector<double> coordinates(const hpo::Config& c, int d) {
  std::vector<double> x(static_cast<std::size_t>(d));
  for (int j = 0; j < d; ++j) x[static_cast<std::size_t>(j)] = c.get<double>("x" + std::to_string(j));
  return x;
}

inline hpo::SearchSpace box(int d, double lo, double hi) {
  hpo::SearchSpace space;
  for (int j = 0; j < d; ++j) space.add_real("x" + std::to_string(j), lo, hi);
  return space;
}

// ---- Hartmann-3 with perturbations -------------------------------------------------------------
inline constexpr double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
inline constexpr double kA[4][3] = {{3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}, {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}};
inline constexpr double kP[4][3] = {
    {0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.0381, 0.5743, 0.8828}};

struct PerturbedHartmann3 {
  double alpha[4];
  double A[4][3];
  double delta[3];
  double scale;
  double offset;

  static PerturbedHartmann3 draw(hpo::Rng& rng) {
    PerturbedHartmann3 h{};
    for (double& d : h.delta) d = rng.uniform(-0.1, 0.1);
    for (int i = 0; i < 4; ++i) h.alpha[i] = kAlpha[i] * (1.0 + rng.uniform(-0.05, 0.05));
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 3; ++j) h.A[i][j] = kA[i][j] * (1.0 + rng.uniform(-0.1, 0.1));
    h.scale = rng.uniform(0.5, 2.0);
    h.offset = rng.uniform(-1.0, 1.0);
    return h;
  }

  /// Value, and the gradient into `grad` when it is not null.
  double operator()(const double* x, double* grad = nullptr) const {
    double total = 0.0;
    if (grad) grad[0] = grad[1] = grad[2] = 0.0;
    for (int i = 0; i < 4; ++i) {
      double inner = 0.0;
      for (int j = 0; j < 3; ++j) {
        const double diff = x[j] - delta[j] - kP[i][j];
        inner += A[i][j] * diff * diff;
      }
      const double term = alpha[i] * std::exp(-inner);
      total += term;
      if (grad)
        for (int j = 0; j < 3; ++j) grad[j] += term * 2.0 * A[i][j] * (x[j] - delta[j] - kP[i][j]);
    }
    if (grad)
      for (int j = 0; j < 3; ++j) grad[j] *= scale;
    return -scale * total + offset;
  }

  std::string describe() const {
    return "delta=(" + format(delta[0]) + "," + format(delta[1]) + "," + format(delta[2]) + ") alpha=(" +
           format(alpha[0]) + "," + format(alpha[1]) + "," + format(alpha[2]) + "," + format(alpha[3]) +
           ") scale=" + format(scale) + " offset=" + format(offset);
  }

  double minimum(std::uint64_t seed) const {
    std::vector<Eigen::VectorXd> starts;
    for (const auto& p : kP) starts.push_back(Eigen::Vector3d(p[0] + delta[0], p[1] + delta[1], p[2] + delta[2]));
    hpo::Rng rng(seed, 77);
    for (int k = 0; k < 32; ++k) starts.push_back(Eigen::Vector3d(rng.uniform(), rng.uniform(), rng.uniform()));
    return multistart_lbfgsb(
        [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
          g.resize(3);
          return (*this)(x.data(), g.data());
        },
        starts, 0.0, 1.0);
  }
};

// ---- Styblinski-Tang 3-D on the unit cube (sources of the unrelated control) -----------------
struct ShiftedStyblinskiTang3 {
  double delta[3];
  double scale;

  static ShiftedStyblinskiTang3 draw(hpo::Rng& rng) {
    ShiftedStyblinskiTang3 s{};
    for (double& d : s.delta) d = rng.uniform(-0.1, 0.1);
    s.scale = rng.uniform(0.5, 2.0);
    return s;
  }

  double operator()(const double* x) const {
    double total = 0.0;
    for (int j = 0; j < 3; ++j) {
      const double z = 10.0 * (x[j] - delta[j]) - 5.0;
      total += z * z * z * z - 16.0 * z * z + 5.0 * z;
    }
    return scale / 40.0 * 0.5 * total;
  }
};

// ---- Kernel ridge regression on digit pairs --------------------------------------------------
inline std::string& data_directory() {
  static std::string directory = HPO_EXAMPLES_DIR "/data";
  return directory;
}

inline const examples::Dataset& digits() {
  static const examples::Dataset data = [] {
    auto d = examples::load_digits(data_directory());
    d.features /= 16.0;
    return d;
  }();
  return data;
}

/// Pairwise distances of a digit-pair task, computed once per task: the kernel matrices then
/// cost one exp per entry.
struct DigitPairData {
  int a = 0, b = 0;
  Eigen::MatrixXd train_sq, train_l1, valid_sq, valid_l1;  // squared Euclidean and L1 distances
  Eigen::VectorXd y_train, y_valid;

  static std::shared_ptr<const DigitPairData> make(int a, int b, hpo::Rng& rng) {
    const auto& data = digits();
    std::vector<Eigen::Index> rows;
    for (Eigen::Index r = 0; r < data.targets.size(); ++r)
      if (data.targets[r] == a || data.targets[r] == b) rows.push_back(r);
    for (std::size_t k = rows.size(); k > 1; --k) std::swap(rows[k - 1], rows[rng.below(k)]);  // Fisher-Yates
    const std::size_t n_train = 200, n_valid = std::min<std::size_t>(160, rows.size() - n_train);
    auto out = std::make_shared<DigitPairData>();
    out->a = a;
    out->b = b;
    const auto fill = [&](std::size_t first, std::size_t count, Eigen::MatrixXd& sq, Eigen::MatrixXd& l1,
                          Eigen::VectorXd& y) {
      const auto n = static_cast<Eigen::Index>(count);
      sq.resize(n, static_cast<Eigen::Index>(n_train));
      l1.resize(n, static_cast<Eigen::Index>(n_train));
      y.resize(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const auto ri = rows[first + static_cast<std::size_t>(i)];
        y[i] = data.targets[ri] == a ? 1.0 : -1.0;
        for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(n_train); ++j) {
          const auto diff = (data.features.row(ri) - data.features.row(rows[static_cast<std::size_t>(j)])).array();
          sq(i, j) = diff.square().sum();
          l1(i, j) = diff.abs().sum();
        }
      }
    };
    fill(0, n_train, out->train_sq, out->train_l1, out->y_train);
    fill(n_train, n_valid, out->valid_sq, out->valid_l1, out->y_valid);
    return out;
  }

  /// Validation mean squared error of kernel ridge regression with kernel exp(-gamma * distance).
  double validation_mse(double gamma, double lambda, bool laplacian) const {
    const Eigen::MatrixXd& dt = laplacian ? train_l1 : train_sq;
    const Eigen::MatrixXd& dv = laplacian ? valid_l1 : valid_sq;
    Eigen::MatrixXd k = (-gamma * dt.array()).exp().matrix();
    k.diagonal().array() += lambda;
    Eigen::LLT<Eigen::MatrixXd> llt(k);
    Eigen::VectorXd coef;
    if (llt.info() == Eigen::Success) {
      coef = llt.solve(y_train);
    } else {
      coef = k.ldlt().solve(y_train);
    }
    const Eigen::VectorXd prediction = (-gamma * dv.array()).exp().matrix() * coef;
    return (prediction - y_valid).squaredNorm() / static_cast<double>(y_valid.size());
  }
};

}  // namespace detail

// ---- Family 1 -------------------------------------------------------------------------------
class QuadraticFamily final : public Family {
 public:
  std::string name() const override { return "quadratic"; }

  struct Coefficients {
    double a0, a1, a2;
  };
  static Coefficients coefficients(int seed, int index) {
    hpo::Rng rng(family_seed(1, seed), static_cast<std::uint64_t>(index));
    Coefficients c{};
    c.a0 = rng.uniform(0.1, 10.0);
    c.a1 = rng.uniform(0.1, 10.0);
    c.a2 = rng.uniform(0.1, 10.0);
    return c;
  }

  Task task(int seed, int index) const override {
    const auto c = coefficients(seed, index);
    Task t{name(), seed, index, detail::box(3, -5.0, 5.0), {}, {}};
    t.objective = [c](const hpo::Config& config) {
      const auto x = detail::coordinates(config, 3);
      double sq = 0.0, sum = 0.0;
      for (double xi : x) {
        sq += xi * xi;
        sum += xi;
      }
      return 0.5 * c.a2 * sq + c.a1 * sum + c.a0;
    };
    t.description = "a0=" + detail::format(c.a0) + " a1=" + detail::format(c.a1) + " a2=" + detail::format(c.a2);
    return t;
  }

  Optimum optimum(int seed) const override {
    const auto c = coefficients(seed, 0);
    const double x = std::clamp(-c.a1 / c.a2, -5.0, 5.0);  // per coordinate: min 1/2 a2 x^2 + a1 x on [-5, 5]
    return {3.0 * (0.5 * c.a2 * x * x + c.a1 * x) + c.a0, "closed form"};
  }
};

// ---- Family 2 -------------------------------------------------------------------------------
class HartmannFamily final : public Family {
 public:
  std::string name() const override { return "hartmann"; }

  static detail::PerturbedHartmann3 parameters(int seed, int index) {
    hpo::Rng rng(family_seed(2, seed), static_cast<std::uint64_t>(index));
    return detail::PerturbedHartmann3::draw(rng);
  }

  Task task(int seed, int index) const override {
    const auto h = parameters(seed, index);
    Task t{name(), seed, index, detail::box(3, 0.0, 1.0), {}, h.describe()};
    t.objective = [h](const hpo::Config& config) {
      const auto x = detail::coordinates(config, 3);
      return h(x.data());
    };
    return t;
  }

  Optimum optimum(int seed) const override {
    return {parameters(seed, 0).minimum(family_seed(2, seed)), "multi-start L-BFGS-B (4 shifted centres + 32 random)"};
  }
};

// ---- Family 3 -------------------------------------------------------------------------------
class DigitsKrrFamily final : public Family {
 public:
  std::string name() const override { return "digits-krr"; }

  static hpo::SearchSpace space() {
    hpo::SearchSpace s;
    s.add_real("gamma", 1e-4, 10.0, hpo::Scale::Log);
    s.add_real("lambda", 1e-6, 10.0, hpo::Scale::Log);
    s.add_categorical("kernel", {"rbf", "laplacian"});
    return s;
  }

  /// The digit pair of a task: the seed's tasks take distinct pairs of a seeded permutation.
  static std::pair<int, int> pair(int seed, int index) {
    std::vector<std::pair<int, int>> pairs;
    for (int a = 0; a < 10; ++a)
      for (int b = a + 1; b < 10; ++b) pairs.emplace_back(a, b);
    hpo::Rng rng(family_seed(3, seed), 1000);
    for (std::size_t k = pairs.size(); k > 1; --k) std::swap(pairs[k - 1], pairs[rng.below(k)]);
    return pairs.at(static_cast<std::size_t>(index));
  }

  Task task(int seed, int index) const override {
    const auto [a, b] = pair(seed, index);
    hpo::Rng rng(family_seed(3, seed), static_cast<std::uint64_t>(index));
    const auto data = detail::DigitPairData::make(a, b, rng);
    Task t{name(), seed, index, space(), {}, {}};
    t.objective = [data](const hpo::Config& config) {
      return data->validation_mse(config.get<double>("gamma"), config.get<double>("lambda"),
                                  config.get<std::string>("kernel") == "laplacian");
    };
    t.description = "digits " + std::to_string(a) + " vs " + std::to_string(b) + " (" +
                    std::to_string(data->y_train.size()) + " train, " + std::to_string(data->y_valid.size()) +
                    " validation)";
    return t;
  }

  Optimum optimum(int seed) const override {
    const Task t = task(seed, 0);
    const auto s = t.space;
    double best = std::numeric_limits<double>::infinity();
    const auto at = [&](double ug, double ul, const char* kernel) {
      hpo::Config c;
      c.set("gamma", s[0].from_unit(ug));
      c.set("lambda", s[1].from_unit(ul));
      c.set("kernel", kernel);
      return t.objective(c);
    };
    constexpr int n = 40;  // 41 x 41 points
    for (const char* kernel : {"rbf", "laplacian"}) {
      double kernel_best = std::numeric_limits<double>::infinity(), bg = 0.0, bl = 0.0;
      for (int i = 0; i <= n; ++i)
        for (int j = 0; j <= n; ++j) {
          const double v = at(i / double(n), j / double(n), kernel);
          if (v < kernel_best) kernel_best = v, bg = i / double(n), bl = j / double(n);
        }
      for (int i = -10; i <= 10; ++i)  // 21 x 21 over +-1 cell
        for (int j = -10; j <= 10; ++j)
          kernel_best = std::min(kernel_best, at(std::clamp(bg + i / (10.0 * n), 0.0, 1.0),
                                                 std::clamp(bl + j / (10.0 * n), 0.0, 1.0), kernel));
      best = std::min(best, kernel_best);
    }
    return {best, "41x41 grid per kernel + 21x21 refinement"};
  }
};

// ---- Family 4 -------------------------------------------------------------------------------
class UnrelatedFamily final : public Family {
 public:
  std::string name() const override { return "unrelated"; }

  Task task(int seed, int index) const override {
    if (index == 0) {
      Task t = HartmannFamily().task(seed, 0);
      t.family = name();
      return t;
    }
    hpo::Rng rng(family_seed(4, seed), static_cast<std::uint64_t>(index));
    const auto st = detail::ShiftedStyblinskiTang3::draw(rng);
    Task t{name(), seed, index, detail::box(3, 0.0, 1.0), {}, {}};
    t.objective = [st](const hpo::Config& config) {
      const auto x = detail::coordinates(config, 3);
      return st(x.data());
    };
    t.description = "styblinski-tang delta=(" + detail::format(st.delta[0]) + "," + detail::format(st.delta[1]) + "," +
                    detail::format(st.delta[2]) + ") scale=" + detail::format(st.scale);
    return t;
  }

  Optimum optimum(int seed) const override { return HartmannFamily().optimum(seed); }
};

/// All families, in the benchmark's order.
inline const std::vector<std::shared_ptr<const Family>>& families() {
  static const std::vector<std::shared_ptr<const Family>> all = {
      std::make_shared<QuadraticFamily>(), std::make_shared<HartmannFamily>(), std::make_shared<DigitsKrrFamily>(),
      std::make_shared<UnrelatedFamily>()};
  return all;
}

inline std::shared_ptr<const Family> find_family(const std::string& name) {
  for (const auto& f : families())
    if (f->name() == name) return f;
  return nullptr;
}

}  // namespace hpo::bench::transfer
