#pragma once
// Covariance functions of the Gaussian process: the Kernel concept, and the machinery
// shared by every stationary ARD kernel (Matérn 5/2, Matérn 3/2, squared exponential),
// which differ only in their radial profile g(r).

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <stdexcept>
#include <string>

namespace hpo::gp {

/// What GaussianProcess needs from a covariance function k(x, x').
///
/// Points are rows of an Eigen::MatrixXd (n × d) or an Eigen::VectorXd (d); the
/// Gaussian process adds the observation noise itself, so `matrix` is the noise-free
/// Gram matrix. Hyperparameters live in log space, laid out as
/// [ln ℓ_1, ..., ln ℓ_d, ln σ²] (d length scales, then the signal variance): the
/// GaussianProcess's priors and bounds rely on this layout.
///
///  - `K(d)`: a kernel on d inputs with default hyperparameters (the GP then sets them);
///  - `dimension()`, `log_parameter_count()` (= d + 1), `log_parameters()`,
///    `set_log_parameters(θ)`, `length_scales()`;
///  - `signal_variance()`: k(x, x), the prior variance, the same at every x (stationary);
///  - `kernel(a, b)`: k(a, b) for two points;
///  - `matrix(X)`: K(X, X), n × n; `matrix(X, out)`: the same into `out`, reusing its
///    storage (the fit evaluates it hundreds of times, and a fresh n × n allocation
///    can cost more than the arithmetic: bench/results/design_measurements.md);
///  - `cross(X, x)`: k(X, x), n; `cross_matrix(X, Z)`: K(X, Z), n × m;
///  - `cross_gradient(X, x)`: ∂k(X_i, x)/∂x_j, n × d;
///  - `log_parameter_derivative(X, p)`: ∂K(X, X)/∂θ_p, n × n (tests, diagnostics);
///  - `derivative_traces(X, W)`: tr(W·∂K/∂θ_p) = Σ_ij W_ij ∂K_ij/∂θ_p for every p, for a
///    symmetric W, without forming the d + 1 derivative matrices (the marginal-likelihood
///    gradient needs only these traces).
/// Optionally, `with_dimension(d)`: a kernel of the same kind on d inputs, for a kernel whose
/// kind is a run-time choice (SelectedKernel); GaussianProcess uses `K(d)` otherwise. Also
/// optional: the one-pass forms of KernelWithPairDerivatives and KernelWithCrossGradient below.
///
/// Usage: `template <hpo::gp::Kernel K> void f(const K& kernel);`
template <class K>
concept Kernel = std::copy_constructible<K> && std::constructible_from<K, Eigen::Index> &&
    requires(const K& kernel, K& mutable_kernel, const Eigen::MatrixXd& points, const Eigen::VectorXd& point,
             const Eigen::VectorXd& log_parameters, const Eigen::MatrixXd& weights, Eigen::MatrixXd& mutable_result,
             Eigen::Index index) {
  { kernel.dimension() } -> std::convertible_to<Eigen::Index>;
  { kernel.log_parameter_count() } -> std::convertible_to<Eigen::Index>;
  { kernel.log_parameters() } -> std::convertible_to<Eigen::VectorXd>;
  mutable_kernel.set_log_parameters(log_parameters);
  { kernel.length_scales() } -> std::convertible_to<Eigen::VectorXd>;
  { kernel.signal_variance() } -> std::convertible_to<double>;
  { kernel(point, point) } -> std::convertible_to<double>;
  { kernel.matrix(points) } -> std::convertible_to<Eigen::MatrixXd>;
  kernel.matrix(points, mutable_result);
  { kernel.cross(points, point) } -> std::convertible_to<Eigen::VectorXd>;
  { kernel.cross_matrix(points, points) } -> std::convertible_to<Eigen::MatrixXd>;
  { kernel.cross_gradient(points, point) } -> std::convertible_to<Eigen::MatrixXd>;
  { kernel.log_parameter_derivative(points, index) } -> std::convertible_to<Eigen::MatrixXd>;
  { kernel.derivative_traces(points, weights) } -> std::convertible_to<Eigen::VectorXd>;
};

/// A Kernel that gives, with K(X, X), the pairwise quantities its log-parameter derivatives need
/// (`matrix(X, out, derivative_over_r)` and `derivative_traces(X, W, K, derivative_over_r)`, as
/// StationaryArdKernel does): the hyperparameter fit then evaluates each pair once per step.
template <class K>
concept KernelWithPairDerivatives =
    Kernel<K> && requires(const K& kernel, const Eigen::MatrixXd& points, Eigen::MatrixXd& mutable_result) {
  kernel.matrix(points, mutable_result, mutable_result);
  { kernel.derivative_traces(points, points, points, mutable_result) } -> std::convertible_to<Eigen::VectorXd>;
};

/// k(X, x) and its gradient in x: n values, and an n × d matrix whose row i is ∂k(X_i, x)/∂x.
struct CrossWithGradient {
  Eigen::VectorXd values;
  Eigen::MatrixXd gradient;
};

/// A Kernel that gives k(X, x) and its gradient in x from one pass (`cross_with_gradient(X, x)`, as
/// StationaryArdKernel does): the acquisition's refinement, which asks for both at every step,
/// then evaluates each profile once instead of twice.
template <class K>
concept KernelWithCrossGradient =
    Kernel<K> && requires(const K& kernel, const Eigen::MatrixXd& points, const Eigen::VectorXd& point) {
  { kernel.cross_with_gradient(points, point) } -> std::same_as<CrossWithGradient>;
};

/// g(r) and g'(r)/r of a radial profile. The ratio rather than g'(r) because every
/// derivative of r = ‖(x − x')/ℓ‖ carries a 1/r, and g'(r)/r stays finite at r = 0
/// (duplicated points) for the profiles used here.
struct RadialProfileValue {
  double value;
  double derivative_over_r;
};

/// Stationary ARD kernel k(x, x') = σ²·g(r), r² = Σ_j ((x_j − x'_j)/ℓ_j)², for a radial
/// profile g (Rasmussen & Williams 2006, ch. 4). Derive from it to name a kernel, as
/// Matern52 does; the derivatives w.r.t. inputs and log-hyperparameters follow from
/// ∂r/∂x_j = (x_j − x'_j)/(ℓ_j² r) and ∂r/∂ln ℓ_j = −(x_j − x'_j)²/(ℓ_j² r).
/// `Profile` provides `RadialProfileValue evaluate(double r) const noexcept` (usually static)
/// for r ≥ 0 (including +inf), with g(0) = 1.
/// Usage: `class MyKernel : public StationaryArdKernel<MyProfile> { using StationaryArdKernel::StationaryArdKernel; };`
template <class Profile>
class StationaryArdKernel {
  static_assert(
      requires(const Profile& profile, double r) {
        { profile.evaluate(r) }
        noexcept->std::same_as<RadialProfileValue>;
      },
      "hpo::gp::StationaryArdKernel<Profile>: Profile needs RadialProfileValue evaluate(double r) const noexcept");

 public:
  /// A kernel on zero inputs; only useful as a placeholder before the dimension is known.
  StationaryArdKernel() = default;

  /// Unit length scales and unit signal variance on `dimension` inputs.
  explicit StationaryArdKernel(Eigen::Index dimension, Profile profile = {})
      : log_length_scales_(Eigen::VectorXd::Zero(dimension)),
        inverse_length_scales_(Eigen::VectorXd::Ones(dimension)),
        profile_(profile) {}

  StationaryArdKernel(const Eigen::VectorXd& length_scales, double signal_variance)
      : StationaryArdKernel(length_scales.size()) {
    if ((length_scales.array() <= 0.0).any() || !length_scales.allFinite() || !(signal_variance > 0.0) ||
        !std::isfinite(signal_variance)) {
      throw std::invalid_argument("hpo::gp kernel: length scales and signal variance must be positive and finite");
    }
    Eigen::VectorXd log_parameters(length_scales.size() + 1);
    log_parameters << length_scales.array().log().matrix(), std::log(signal_variance);
    set_log_parameters(log_parameters);
  }

  Eigen::Index dimension() const noexcept { return log_length_scales_.size(); }
  Eigen::Index log_parameter_count() const noexcept { return dimension() + 1; }

  /// [ln ℓ_1, ..., ln ℓ_d, ln σ²].
  Eigen::VectorXd log_parameters() const {
    Eigen::VectorXd result(log_parameter_count());
    result << log_length_scales_, log_signal_variance_;
    return result;
  }

  void set_log_parameters(const Eigen::VectorXd& log_parameters) {
    if (log_parameters.size() != log_parameter_count()) {
      throw std::invalid_argument("hpo::gp kernel: expected " + std::to_string(log_parameter_count()) +
                                  " log-parameters, got " + std::to_string(log_parameters.size()));
    }
    log_length_scales_ = log_parameters.head(dimension());
    inverse_length_scales_ = (-log_length_scales_.array()).exp().matrix();
    log_signal_variance_ = log_parameters(dimension());
    signal_variance_ = std::exp(log_signal_variance_);
  }

  Eigen::VectorXd length_scales() const { return log_length_scales_.array().exp().matrix(); }
  double signal_variance() const noexcept { return signal_variance_; }

  double operator()(const Eigen::VectorXd& a, const Eigen::VectorXd& b) const {
    return signal_variance_ * profile_.evaluate((a - b).cwiseProduct(inverse_length_scales_).norm()).value;
  }

  /// K(X, X), exactly symmetric, with σ² on the diagonal.
  Eigen::MatrixXd matrix(const Eigen::MatrixXd& points) const {
    Eigen::MatrixXd result;
    matrix(points, result);
    return result;
  }

  /// K(X, X) into `result`, which keeps its storage when it already has the size.
  void matrix(const Eigen::MatrixXd& points, Eigen::MatrixXd& result) const { fill_matrix(points, result, nullptr); }

  /// K(X, X) into `result` as above, and g'(r_ij)/r_ij of every pair i > j into the strictly lower
  /// triangle of `derivative_over_r` (the rest is unspecified): what derivative_traces needs, so
  /// that the marginal-likelihood gradient evaluates the profile once per pair, not twice.
  void matrix(const Eigen::MatrixXd& points, Eigen::MatrixXd& result, Eigen::MatrixXd& derivative_over_r) const {
    fill_matrix(points, result, &derivative_over_r);
  }

  /// k(X, x): one entry per row of X.
  Eigen::VectorXd cross(const Eigen::MatrixXd& points, const Eigen::VectorXd& point) const {
    check_point(point);
    const Eigen::VectorXd distances =
        ((points.rowwise() - point.transpose()) * inverse_length_scales_.asDiagonal()).rowwise().norm();
    return distances.unaryExpr([this](double r) { return signal_variance_ * profile_.evaluate(r).value; });
  }

  /// K(X, Z): rows follow X, columns follow Z.
  Eigen::MatrixXd cross_matrix(const Eigen::MatrixXd& points, const Eigen::MatrixXd& others) const {
    if (others.cols() != dimension() || points.cols() != dimension()) {
      throw std::invalid_argument("hpo::gp kernel: point dimension does not match the kernel's");
    }
    const Eigen::MatrixXd scaled = scaled_columns(points);
    const Eigen::MatrixXd scaled_others = scaled_columns(others);
    Eigen::MatrixXd result(points.rows(), others.rows());
    for (Eigen::Index j = 0; j < others.rows(); ++j) {
      const Eigen::ArrayXd squared_distances =
          (scaled.colwise() - scaled_others.col(j)).colwise().squaredNorm().transpose().array();
      for (Eigen::Index i = 0; i < points.rows(); ++i) {
        result(i, j) = signal_variance_ * profile_.evaluate(std::sqrt(squared_distances(i))).value;
      }
    }
    return result;
  }

  /// cross(X, x) and cross_gradient(X, x) from one evaluation of the profile per row, bit for
  /// bit the same: the distances are the expression cross() evaluates (a materialized product
  /// of the differences rounds some of them otherwise), and cross_gradient's per-row norms
  /// round as it does.
  CrossWithGradient cross_with_gradient(const Eigen::MatrixXd& points, const Eigen::VectorXd& point) const {
    check_point(point);
    const Eigen::VectorXd distances =
        ((points.rowwise() - point.transpose()) * inverse_length_scales_.asDiagonal()).rowwise().norm();
    const Eigen::MatrixXd differences = (-(points.rowwise() - point.transpose())).eval();
    CrossWithGradient result{Eigen::VectorXd(points.rows()),
                             differences * inverse_length_scales_.cwiseAbs2().asDiagonal()};
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      const RadialProfileValue profile = profile_.evaluate(distances(i));
      result.values(i) = signal_variance_ * profile.value;
      result.gradient.row(i) *= signal_variance_ * profile.derivative_over_r;
    }
    return result;
  }

  /// ∂k(X_i, x)/∂x_j = σ²·(g'(r)/r)·(x_j − X_ij)/ℓ_j², an n × d matrix.
  Eigen::MatrixXd cross_gradient(const Eigen::MatrixXd& points, const Eigen::VectorXd& point) const {
    check_point(point);
    const Eigen::VectorXd squared_inverse = inverse_length_scales_.cwiseAbs2();
    const Eigen::MatrixXd differences = (-(points.rowwise() - point.transpose())).eval();
    Eigen::MatrixXd result = differences * squared_inverse.asDiagonal();
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
      const double r = differences.row(i).cwiseProduct(inverse_length_scales_.transpose()).norm();
      result.row(i) *= signal_variance_ * profile_.evaluate(r).derivative_over_r;
    }
    return result;
  }

  /// ∂K(X, X)/∂θ_p for p < d (a log length scale) or p = d (the log signal variance).
  Eigen::MatrixXd log_parameter_derivative(const Eigen::MatrixXd& points, Eigen::Index parameter) const {
    if (parameter < 0 || parameter > dimension()) {
      throw std::out_of_range("hpo::gp kernel: log-parameter index out of range");
    }
    if (parameter == dimension()) return matrix(points);
    const Eigen::Index n = points.rows();
    const Eigen::MatrixXd scaled = scaled_columns(points);
    Eigen::MatrixXd result(n, n);
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index i = 0; i < n; ++i) {
        const double r = (scaled.col(i) - scaled.col(j)).norm();
        const double difference = scaled(parameter, i) - scaled(parameter, j);
        result(i, j) = -signal_variance_ * profile_.evaluate(r).derivative_over_r * difference * difference;
      }
    }
    return result;
  }

  /// tr(W·∂K/∂θ_p) for every log-parameter p, for a symmetric W (only its lower triangle
  /// is read).
  Eigen::VectorXd derivative_traces(const Eigen::MatrixXd& points, const Eigen::MatrixXd& weights) const {
    Eigen::MatrixXd covariance, derivative_over_r;
    fill_matrix(points, covariance, &derivative_over_r);
    return derivative_traces(points, weights, covariance, derivative_over_r);
  }

  /// The same from K(X, X) and the profile derivatives that matrix(X, K, D) gave: only their
  /// strictly lower triangles are read, so K may carry observation noise on its diagonal.
  /// `derivative_over_r` is spent: it returns holding P below (an n × n allocation less per call).
  /// With P_ij = W_ij·g'(r_ij)/r_ij (symmetric, zero diagonal) and s_p the p-th scaled
  /// coordinates, the length-scale traces are −σ²·Σ_{i≠j} P_ij (s_ip − s_jp)²
  /// = −2σ²·(Σ_i s_ip² (P·1)_i − s_pᵀ P s_p): one matrix product instead of a loop over pairs.
  /// The coordinates are centred first, which keeps the two terms' cancellation small.
  Eigen::VectorXd derivative_traces(const Eigen::MatrixXd& points, const Eigen::MatrixXd& weights,
                                    const Eigen::MatrixXd& covariance, Eigen::MatrixXd& derivative_over_r) const {
    const Eigen::Index n = points.rows();
    for (const Eigen::MatrixXd* m : {&weights, &covariance, static_cast<const Eigen::MatrixXd*>(&derivative_over_r)}) {
      if (m->rows() != n || m->cols() != n) {
        throw std::invalid_argument("hpo::gp kernel: derivative_traces needs n × n matrices for n points");
      }
    }
    Eigen::MatrixXd scaled = scaled_columns(points).transpose();
    scaled.rowwise() -= scaled.colwise().mean();
    Eigen::MatrixXd& pair_weights = derivative_over_r;
    pair_weights.triangularView<Eigen::StrictlyLower>() = pair_weights.cwiseProduct(weights);
    pair_weights.diagonal().setZero();
    pair_weights.triangularView<Eigen::StrictlyUpper>() = pair_weights.transpose();
    const Eigen::VectorXd row_sums = pair_weights.rowwise().sum();
    const Eigen::MatrixXd weighted = pair_weights * scaled;
    const Eigen::VectorXd length_scale_sums =
        scaled.cwiseAbs2().transpose() * row_sums - scaled.cwiseProduct(weighted).colwise().sum().transpose();
    double covariance_sum = 0.0;  // Σ_{i>j} W_ij K_ij
    for (Eigen::Index j = 0; j + 1 < n; ++j) {
      covariance_sum += weights.col(j).tail(n - j - 1).dot(covariance.col(j).tail(n - j - 1));
    }
    Eigen::VectorXd traces(log_parameter_count());
    traces << -2.0 * signal_variance_ * length_scale_sums,
        signal_variance_ * weights.diagonal().sum() + 2.0 * covariance_sum;
    return traces;
  }

 private:
  /// K(X, X) and, when asked, g'(r)/r below the diagonal; see matrix().
  void fill_matrix(const Eigen::MatrixXd& points, Eigen::MatrixXd& result, Eigen::MatrixXd* derivative_over_r) const {
    const Eigen::Index n = points.rows();
    const Eigen::MatrixXd scaled = scaled_columns(points);
    result.resize(n, n);
    if (derivative_over_r != nullptr) derivative_over_r->resize(n, n);
    for (Eigen::Index j = 0; j < n; ++j) {
      result(j, j) = signal_variance_;
      const Eigen::Index below = n - j - 1;
      if (below == 0) continue;
      // Column j below the diagonal is contiguous, and the distances to all later
      // points vectorize as one block operation.
      const Eigen::ArrayXd squared_distances =
          (scaled.rightCols(below).colwise() - scaled.col(j)).colwise().squaredNorm().transpose().array();
      for (Eigen::Index i = 0; i < below; ++i) {
        const RadialProfileValue profile = profile_.evaluate(std::sqrt(squared_distances(i)));
        result(j + 1 + i, j) = signal_variance_ * profile.value;
        if (derivative_over_r != nullptr) (*derivative_over_r)(j + 1 + i, j) = profile.derivative_over_r;
      }
    }
    result.template triangularView<Eigen::StrictlyUpper>() = result.transpose();
  }

  void check_point(const Eigen::VectorXd& point) const {
    if (point.size() != dimension()) {
      throw std::invalid_argument("hpo::gp kernel: point has dimension " + std::to_string(point.size()) +
                                  ", kernel has " + std::to_string(dimension()));
    }
  }

  /// Points divided by the length scales, one column per point, so that each point's
  /// coordinates are contiguous. A point is a row of the column-major input, its coordinates
  /// strided: the transpose goes tile by tile, so that the lines and pages a tile reads stay in
  /// the caches (wide inputs, such as the one-hot coordinates of 3,000 categories, otherwise miss
  /// the cache and the TLB on nearly every coordinate).
  Eigen::MatrixXd scaled_columns(const Eigen::MatrixXd& points) const {
    if (points.cols() != dimension()) {
      throw std::invalid_argument("hpo::gp kernel: points have dimension " + std::to_string(points.cols()) +
                                  ", kernel has " + std::to_string(dimension()));
    }
    constexpr Eigen::Index kTile = 64;
    Eigen::MatrixXd scaled(points.cols(), points.rows());
    for (Eigen::Index row = 0; row < points.rows(); row += kTile) {
      const Eigen::Index rows = std::min(kTile, points.rows() - row);
      for (Eigen::Index col = 0; col < points.cols(); col += kTile) {
        const Eigen::Index cols = std::min(kTile, points.cols() - col);
        scaled.block(col, row, cols, rows) =
            inverse_length_scales_.segment(col, cols).asDiagonal() * points.block(row, col, rows, cols).transpose();
      }
    }
    return scaled;
  }

  Eigen::VectorXd log_length_scales_;
  Eigen::VectorXd inverse_length_scales_;
  double log_signal_variance_ = 0.0;
  double signal_variance_ = 1.0;

 protected:
  const Profile& profile() const noexcept { return profile_; }

 private:
  [[no_unique_address]] Profile profile_{};
};

}  // namespace hpo::gp
