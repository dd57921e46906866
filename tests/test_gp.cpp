// Tests of the Gaussian-process model: kernel derivatives, the posterior against hand
// algebra, the MAP gradient, incremental updates, leave-one-out, determinism, accuracy
// on a smooth function and robustness on awkward data.

#include "hpo/core/random.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/gp/cholesky_inverse.hpp"
#include "hpo/gp/gaussian_process.hpp"
#include "hpo/gp/hyperparameter_fit.hpp"
#include "hpo/gp/jittered_cholesky.hpp"
#include "hpo/gp/kernel.hpp"
#include "hpo/gp/matern32.hpp"
#include "hpo/gp/matern52.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/gp/output_transform.hpp"
#include "hpo/gp/priors.hpp"
#include "hpo/gp/squared_exponential.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

namespace {

Eigen::MatrixXd uniform_points(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  hpo::Rng rng(seed, 0);
  Eigen::MatrixXd points(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) points(i, j) = rng.uniform();
  }
  return points;
}

// Smooth, anisotropic test function on [0,1]^d (only the first two coordinates matter much).
double smooth_function(const Eigen::VectorXd& x) {
  double value = std::sin(3.0 * x(0)) + 0.5 * std::cos(5.0 * x(0) * x(0));
  if (x.size() > 1) value += (x(1) - 0.4) * (x(1) - 0.4) * 2.0 + 0.3 * x(0) * x(1);
  for (Eigen::Index j = 2; j < x.size(); ++j) value += 0.05 * x(j);
  return value;
}

Eigen::VectorXd evaluate(const Eigen::MatrixXd& points) {
  Eigen::VectorXd values(points.rows());
  for (Eigen::Index i = 0; i < points.rows(); ++i) values(i) = smooth_function(points.row(i).transpose());
  return values;
}

bool all_finite(const hpo::gp::BatchPrediction& prediction) {
  return prediction.mean.allFinite() && prediction.variance.allFinite() && (prediction.variance.array() > 0.0).all();
}

// Fails loudly on any jitter report, unless a test expects one.
hpo::gp::GaussianProcess<>::WarningSink failing_sink() {
  return [](const std::string& message) { FAIL("unexpected warning: " << message); };
}

}  // namespace

TEMPLATE_TEST_CASE("kernel derivatives match central finite differences", "[gp][kernel]", hpo::gp::Matern52,
                   hpo::gp::Matern32, hpo::gp::SquaredExponential) {
  const Eigen::Index d = 3;
  Eigen::VectorXd length_scales(d);
  length_scales << 0.3, 0.7, 1.4;
  TestType kernel(length_scales, 1.7);
  const Eigen::MatrixXd points = uniform_points(7, d, 11);
  const Eigen::VectorXd x = Eigen::Vector3d(0.35, 0.62, 0.18);
  const double step = 1e-6;

  SECTION("gradient of k(X, x) with respect to x") {
    const Eigen::MatrixXd analytic = kernel.cross_gradient(points, x);
    REQUIRE(analytic.rows() == points.rows());
    REQUIRE(analytic.cols() == d);
    for (Eigen::Index j = 0; j < d; ++j) {
      Eigen::VectorXd plus = x, minus = x;
      plus(j) += step;
      minus(j) -= step;
      const Eigen::VectorXd numeric = (kernel.cross(points, plus) - kernel.cross(points, minus)) / (2.0 * step);
      INFO("coordinate " << j);
      CHECK((analytic.col(j) - numeric).cwiseAbs().maxCoeff() < 1e-7);
    }
    // At a data point (r = 0) the gradient is 0 for these profiles, not NaN.
    const Eigen::MatrixXd at_data = kernel.cross_gradient(points, points.row(2).transpose());
    CHECK(at_data.allFinite());
    CHECK(at_data.row(2).norm() == 0.0);
  }

  SECTION("derivatives of K(X, X) with respect to each log-hyperparameter") {
    const Eigen::VectorXd theta = kernel.log_parameters();
    // A random symmetric weight matrix for the trace form.
    Eigen::MatrixXd weights = uniform_points(7, 7, 5).array() - 0.5;
    weights = (weights + weights.transpose()).eval();
    const Eigen::VectorXd traces = kernel.derivative_traces(points, weights);
    for (Eigen::Index p = 0; p < kernel.log_parameter_count(); ++p) {
      TestType plus = kernel, minus = kernel;
      Eigen::VectorXd theta_plus = theta, theta_minus = theta;
      theta_plus(p) += step;
      theta_minus(p) -= step;
      plus.set_log_parameters(theta_plus);
      minus.set_log_parameters(theta_minus);
      const Eigen::MatrixXd numeric = (plus.matrix(points) - minus.matrix(points)) / (2.0 * step);
      const Eigen::MatrixXd analytic = kernel.log_parameter_derivative(points, p);
      INFO("log-parameter " << p);
      CHECK((analytic - numeric).cwiseAbs().maxCoeff() < 1e-7);
      CHECK(traces(p) == Approx((weights.cwiseProduct(numeric)).sum()).epsilon(1e-7).margin(1e-9));
    }
  }

  SECTION("traces from K with noise on its diagonal, at length scales down to the fit's bound, match a sum over pairs") {
    // The traces' matrix-product form subtracts two large sums when the scaled coordinates are
    // large (length scale 1e-2 on the unit cube); a direct sum over pairs does not. Measured
    // agreement: relative 1e-11 (the bound below leaves a factor 10).
    Eigen::VectorXd short_scales(d);
    short_scales << 1e-2, 0.05, 2.0;
    const TestType short_kernel(short_scales, 0.8);
    Eigen::MatrixXd many = uniform_points(40, d, 21);
    many.row(7) = many.row(3);  // a duplicated point: r = 0 off the diagonal
    many.row(12) = many.row(5) + Eigen::RowVector3d(1e-3, 2e-3, 0.0);
    Eigen::MatrixXd weights = uniform_points(40, 40, 22).array() - 0.5;
    weights = (weights + weights.transpose()).eval();
    Eigen::MatrixXd covariance, derivative_over_r;
    short_kernel.matrix(many, covariance, derivative_over_r);
    covariance.diagonal().array() += 0.3;
    const Eigen::VectorXd traces = short_kernel.derivative_traces(many, weights, covariance, derivative_over_r);
    Eigen::VectorXd direct(d + 1);  // log_parameter_derivative sums over the pairs directly
    for (Eigen::Index p = 0; p <= d; ++p) {
      direct(p) = weights.cwiseProduct(short_kernel.log_parameter_derivative(many, p)).sum();
    }
    for (Eigen::Index p = 0; p <= d; ++p) {
      INFO("log-parameter " << p);
      CHECK(traces(p) == Approx(direct(p)).epsilon(1e-10).margin(1e-12));
    }
  }

  SECTION("matrix, cross and cross_matrix agree") {
    const Eigen::MatrixXd gram = kernel.matrix(points);
    CHECK((gram - kernel.cross_matrix(points, points)).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((gram.col(3) - kernel.cross(points, points.row(3).transpose())).cwiseAbs().maxCoeff() < 1e-15);
    CHECK(kernel(points.row(1).transpose(), points.row(4).transpose()) == Approx(gram(1, 4)).epsilon(1e-15));
    CHECK(gram.diagonal().isConstant(1.7));
  }
}

TEST_CASE("posterior matches a hand-computed 3-point 1-D case", "[gp][posterior]") {
  // Matérn 5/2, ℓ = 0.3, σ² = 1.5, σ_n² = 0.01, all on the standardized scale.
  const double ell = 0.3, signal = 1.5, noise = 0.01;
  const auto matern = [&](double a, double b) {
    const double s = std::sqrt(5.0) * std::abs(a - b) / ell;
    return signal * (1.0 + s + s * s / 3.0) * std::exp(-s);
  };
  const double x[3] = {0.1, 0.4, 0.8};
  // y = (2, 6, 4): sample mean 4, sample standard deviation 2, standardized (−1, 1, 0).
  const double mean_y = 4.0, scale = 2.0;
  const double z[3] = {-1.0, 1.0, 0.0};

  double k[3][3];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) k[i][j] = matern(x[i], x[j]) + (i == j ? noise : 0.0);
  }
  // Inverse of the symmetric 3 × 3 matrix by its adjugate.
  const double a = k[0][0], b = k[0][1], c = k[0][2], e = k[1][1], f = k[1][2], g = k[2][2];
  const double determinant = a * (e * g - f * f) - b * (b * g - c * f) + c * (b * f - c * e);
  const double inverse[3][3] = {
      {(e * g - f * f) / determinant, (c * f - b * g) / determinant, (b * f - c * e) / determinant},
      {(c * f - b * g) / determinant, (a * g - c * c) / determinant, (b * c - a * f) / determinant},
      {(b * f - c * e) / determinant, (b * c - a * f) / determinant, (a * e - b * b) / determinant}};

  Eigen::MatrixXd points(3, 1);
  points << x[0], x[1], x[2];
  hpo::gp::GaussianProcess<> gp;
  gp.set_warning_sink(failing_sink());
  gp.set_hyperparameters(
      {.length_scales = Eigen::VectorXd::Constant(1, ell), .signal_variance = signal, .noise_variance = noise});
  gp.fit_with_fixed_hyperparameters(points, Eigen::Vector3d(2.0, 6.0, 4.0));
  CHECK(gp.output_standardization().mean == Approx(mean_y));
  CHECK(gp.output_standardization().scale == Approx(scale));

  for (const double query : {0.0, 0.25, 0.5, 0.8, 1.0}) {
    double cross[3];
    for (int i = 0; i < 3; ++i) cross[i] = matern(query, x[i]);
    double mean = 0.0, explained = 0.0;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        mean += cross[i] * inverse[i][j] * z[j];
        explained += cross[i] * inverse[i][j] * cross[j];
      }
    }
    const double expected_mean = mean_y + scale * mean;
    const double expected_variance = scale * scale * (signal - explained);
    const hpo::gp::Prediction prediction = gp.predict(Eigen::VectorXd::Constant(1, query));
    INFO("x* = " << query);
    CHECK(prediction.mean == Approx(expected_mean).epsilon(1e-12));
    CHECK(prediction.variance == Approx(expected_variance).epsilon(1e-10));
  }

  // Log marginal likelihood of the standardized outputs, by the same hand algebra.
  double quadratic = 0.0;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) quadratic += z[i] * inverse[i][j] * z[j];
  }
  const double expected_lml = -0.5 * quadratic - 0.5 * std::log(determinant) - 1.5 * std::log(2.0 * std::numbers::pi);
  CHECK(gp.log_marginal_likelihood() == Approx(expected_lml).epsilon(1e-12));
}

TEST_CASE("MAP objective gradient matches finite differences", "[gp][map]") {
  const Eigen::MatrixXd points = uniform_points(25, 3, 7);
  Eigen::VectorXd values = evaluate(points);
  values += 0.05 * uniform_points(25, 1, 8).col(0);  // a little noise-like roughness
  hpo::gp::GaussianProcess<> gp;
  gp.fit_with_fixed_hyperparameters(points, values);

  const std::vector<Eigen::VectorXd> thetas = {
      (Eigen::VectorXd(5) << std::log(0.3), std::log(0.8), std::log(2.0), std::log(1.2), std::log(1e-3)).finished(),
      (Eigen::VectorXd(5) << std::log(0.05), std::log(5.0), std::log(0.5), std::log(0.3), std::log(0.2)).finished(),
      (Eigen::VectorXd(5) << std::log(1.0), std::log(1.0), std::log(1.0), std::log(3.0), std::log(1e-6)).finished()};
  for (const Eigen::VectorXd& theta : thetas) {
    Eigen::VectorXd gradient;
    const double value = gp.log_posterior(theta, gradient);
    REQUIRE(std::isfinite(value));
    REQUIRE(gradient.size() == 5);
    for (Eigen::Index p = 0; p < 5; ++p) {
      const double step = 1e-5;
      Eigen::VectorXd plus = theta, minus = theta, ignored;
      plus(p) += step;
      minus(p) -= step;
      const double numeric = (gp.log_posterior(plus, ignored) - gp.log_posterior(minus, ignored)) / (2.0 * step);
      INFO("theta = " << theta.transpose() << ", parameter " << p);
      CHECK(gradient(p) == Approx(numeric).epsilon(1e-6).margin(1e-6));
    }
  }
}

namespace {

// Matern 5/2 with only what the Kernel concept asks: declaring matrix and derivative_traces here
// hides the base class's pairwise overloads, so the fit takes its general path.
class PairlessMatern52 : public hpo::gp::Matern52 {
 public:
  using Matern52::Matern52;
  Eigen::MatrixXd matrix(const Eigen::MatrixXd& points) const { return Matern52::matrix(points); }
  void matrix(const Eigen::MatrixXd& points, Eigen::MatrixXd& result) const { Matern52::matrix(points, result); }
  Eigen::VectorXd derivative_traces(const Eigen::MatrixXd& points, const Eigen::MatrixXd& weights) const {
    return Matern52::derivative_traces(points, weights);
  }
};
static_assert(hpo::gp::Kernel<PairlessMatern52> && !hpo::gp::KernelWithPairDerivatives<PairlessMatern52>);
static_assert(hpo::gp::KernelWithPairDerivatives<hpo::gp::Matern52>);

// Matern 5/2 without cross_with_gradient (the deleted overload hides the base class's), so the
// model computes k(X, x) and its gradient in two passes.
class TwoPassMatern52 : public hpo::gp::Matern52 {
 public:
  using Matern52::Matern52;
  void cross_with_gradient() const = delete;
};
static_assert(hpo::gp::Kernel<TwoPassMatern52> && !hpo::gp::KernelWithCrossGradient<TwoPassMatern52>);
static_assert(hpo::gp::KernelWithCrossGradient<hpo::gp::Matern52>);

}  // namespace

TEST_CASE("the MAP objective is the same through a kernel without the pairwise derivatives", "[gp][map]") {
  const Eigen::MatrixXd points = uniform_points(30, 3, 17);
  const Eigen::VectorXd values = evaluate(points);
  const auto priors = hpo::gp::HyperparameterPriors::for_dimension(3);
  const std::vector<Eigen::VectorXd> thetas = {
      (Eigen::VectorXd(5) << std::log(0.3), std::log(0.8), std::log(2.0), std::log(1.2), std::log(1e-3)).finished(),
      (Eigen::VectorXd(5) << std::log(0.02), std::log(5.0), std::log(0.5), std::log(0.3), std::log(0.2)).finished()};
  hpo::gp::detail::LogPosteriorWorkspace fused_workspace, general_workspace;
  for (const Eigen::VectorXd& theta : thetas) {
    Eigen::VectorXd fused_gradient, general_gradient;
    const double fused = hpo::gp::detail::log_posterior(hpo::gp::Matern52(3), points, values, priors, theta,
                                                         fused_gradient, fused_workspace);
    const double general = hpo::gp::detail::log_posterior(PairlessMatern52(3), points, values, priors, theta,
                                                           general_gradient, general_workspace);
    INFO("theta = " << theta.transpose());
    CHECK(general == Approx(fused).epsilon(1e-12));
    for (Eigen::Index p = 0; p < 5; ++p) CHECK(general_gradient(p) == Approx(fused_gradient(p)).epsilon(1e-9).margin(1e-12));
  }
}

TEST_CASE("the inverse from a Cholesky factor matches a solve against the identity", "[gp][map]") {
  for (const Eigen::Index n : {1, 2, 7, 64, 131}) {
    const Eigen::MatrixXd a = uniform_points(n, n, static_cast<std::uint64_t>(n));
    const Eigen::MatrixXd k = a * a.transpose() + 0.1 * Eigen::MatrixXd::Identity(n, n);
    const Eigen::LLT<Eigen::MatrixXd> llt(k);
    REQUIRE(llt.info() == Eigen::Success);
    const Eigen::MatrixXd expected = llt.solve(Eigen::MatrixXd::Identity(n, n));
    Eigen::MatrixXd lower_inverse, inverse;
    // matrixLLT() keeps k's upper triangle: the helpers must read the lower one only.
    hpo::gp::detail::invert_lower_triangular(llt.matrixLLT(), lower_inverse);
    hpo::gp::detail::inverse_from_lower_inverse(lower_inverse, inverse);
    const Eigen::MatrixXd lower = llt.matrixL();
    INFO("n = " << n);
    CHECK((lower * lower_inverse - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff() < 1e-9);
    CHECK(lower_inverse.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().isZero(0.0));
    CHECK(inverse.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().isZero(0.0));
    const Eigen::MatrixXd difference = (inverse - expected).triangularView<Eigen::Lower>();
    CHECK(difference.cwiseAbs().maxCoeff() < 1e-9 * expected.cwiseAbs().maxCoeff());
  }
}

TEST_CASE("priors: log-density and its gradient", "[gp][priors]") {
  const auto priors = hpo::gp::HyperparameterPriors::for_dimension(6);
  CHECK(priors.length_scale.mu == Approx(std::sqrt(2.0) + 0.5 * std::log(6.0)));
  CHECK(priors.length_scale.sigma == Approx(std::sqrt(3.0)));
  CHECK(std::exp(priors.signal_variance.log_mode()) == Approx(1.0));
  CHECK(std::exp(priors.noise_variance.log_mode()) == Approx(1e-4));
  // log_density is the LogNormal density of θ at θ = e^u.
  const double u = std::log(0.7);
  const double theta = 0.7, mu = priors.length_scale.mu, sigma = priors.length_scale.sigma;
  const double lognormal = -std::log(theta * sigma * std::sqrt(2.0 * std::numbers::pi)) -
                           (std::log(theta) - mu) * (std::log(theta) - mu) / (2.0 * sigma * sigma);
  CHECK(priors.length_scale.log_density(u) == Approx(lognormal).epsilon(1e-14));
  const Eigen::VectorXd point = (Eigen::VectorXd(8) << -1.0, 0.0, 0.5, 2.0, -3.0, 1.0, 0.2, -9.0).finished();
  const Eigen::VectorXd gradient = priors.log_density_gradient(point);
  for (Eigen::Index p = 0; p < 8; ++p) {
    Eigen::VectorXd plus = point, minus = point;
    plus(p) += 1e-6;
    minus(p) -= 1e-6;
    CHECK(gradient(p) == Approx((priors.log_density(plus) - priors.log_density(minus)) / 2e-6).epsilon(1e-7));
  }
  // The mode of the prior alone is where its gradient vanishes.
  CHECK(priors.length_scale.log_density_derivative(priors.length_scale.log_mode()) == Approx(0.0).margin(1e-15));
}

TEST_CASE("add_observation equals a full refactorization", "[gp][incremental]") {
  const Eigen::MatrixXd points = uniform_points(30, 4, 21);
  const Eigen::VectorXd values = evaluate(points);
  hpo::gp::GaussianProcess<> incremental({.seed = 2});
  incremental.set_warning_sink(failing_sink());
  incremental.fit(points.topRows(20), values.head(20));
  for (Eigen::Index i = 20; i < 30; ++i) incremental.add_observation(points.row(i).transpose(), values(i));
  REQUIRE(incremental.observation_count() == 30);

  hpo::gp::GaussianProcess<> full;
  full.set_warning_sink(failing_sink());
  full.set_hyperparameters(incremental.hyperparameters());
  full.fit_with_fixed_hyperparameters(points, values, incremental.output_standardization());

  const Eigen::MatrixXd queries = uniform_points(50, 4, 22);
  const auto a = incremental.predict(queries);
  const auto b = full.predict(queries);
  CHECK((a.mean - b.mean).cwiseAbs().maxCoeff() < 1e-9);
  CHECK(((a.variance - b.variance).array() / b.variance.array()).abs().maxCoeff() < 1e-9);
  CHECK(incremental.log_marginal_likelihood() == Approx(full.log_marginal_likelihood()).epsilon(1e-12));
  const auto loo_a = incremental.leave_one_out();
  const auto loo_b = full.leave_one_out();
  CHECK((loo_a.mean - loo_b.mean).cwiseAbs().maxCoeff() < 1e-9);
  CHECK((incremental.outputs() - values).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("add_observation extends the factor in place as it outgrows its room", "[gp][incremental]") {
  // Noise 1e-2 keeps every new pivot well away from the threshold below which add_observation
  // refactorizes, so that all 110 points enter the factor in place, across several regrowths.
  const Eigen::MatrixXd points = uniform_points(120, 4, 23);
  const Eigen::VectorXd values = evaluate(points);
  const hpo::gp::Hyperparameters hyperparameters{
      .length_scales = Eigen::Vector4d(0.3, 0.4, 0.5, 0.6), .signal_variance = 1.5, .noise_variance = 1e-2};
  const hpo::gp::OutputStandardization standardization{0.2, 3.0};
  hpo::gp::GaussianProcess<> incremental;
  incremental.set_warning_sink(failing_sink());
  incremental.set_hyperparameters(hyperparameters);
  incremental.fit_with_fixed_hyperparameters(points.topRows(10), values.head(10), standardization);
  for (Eigen::Index i = 10; i < 120; ++i) incremental.add_observation(points.row(i).transpose(), values(i));

  hpo::gp::GaussianProcess<> full;
  full.set_warning_sink(failing_sink());
  full.set_hyperparameters(hyperparameters);
  full.fit_with_fixed_hyperparameters(points, values, standardization);

  const Eigen::MatrixXd queries = uniform_points(40, 4, 24);
  const auto a = incremental.predict(queries);
  const auto b = full.predict(queries);
  CHECK((a.mean - b.mean).cwiseAbs().maxCoeff() < 1e-9);
  CHECK(((a.variance - b.variance).array() / b.variance.array()).abs().maxCoeff() < 1e-9);
  CHECK(incremental.log_marginal_likelihood() == Approx(full.log_marginal_likelihood()).epsilon(1e-12));
  CHECK((incremental.leave_one_out().mean - full.leave_one_out().mean).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("a batch prediction is each point's own prediction, also across the batch's chunks", "[gp]") {
  // 400 observations make chunks of 20 queries: 70 queries cross three chunk boundaries.
  const Eigen::MatrixXd points = uniform_points(400, 3, 31);
  hpo::gp::GaussianProcess<> gp({.seed = 4});
  gp.set_warning_sink(failing_sink());
  gp.set_hyperparameters({.length_scales = Eigen::Vector3d(0.3, 0.4, 0.5), .signal_variance = 1.0, .noise_variance = 1e-4});
  gp.fit_with_fixed_hyperparameters(points, evaluate(points), hpo::gp::OutputStandardization{0.5, 2.0});
  const Eigen::MatrixXd queries = uniform_points(70, 3, 32);
  const auto batch = gp.predict(queries);
  REQUIRE(batch.mean.size() == 70);
  REQUIRE(batch.variance.size() == 70);
  for (Eigen::Index i = 0; i < queries.rows(); ++i) {
    const auto [mean, variance] = gp.predict(Eigen::VectorXd(queries.row(i).transpose()));
    INFO("query " << i);
    CHECK(batch.mean(i) == Approx(mean).margin(1e-12));
    CHECK(batch.variance(i) == Approx(variance).epsilon(1e-9).margin(1e-15));
  }
}

TEST_CASE("add_observation of a duplicate point stays well-posed", "[gp][incremental]") {
  const Eigen::MatrixXd points = uniform_points(12, 2, 4);
  const Eigen::VectorXd values = evaluate(points);
  hpo::gp::GaussianProcess<> gp;
  gp.fit(points, values);
  for (int repeat = 0; repeat < 5; ++repeat) gp.add_observation(points.row(3).transpose(), values(3));
  const auto prediction = gp.predict(uniform_points(20, 2, 5));
  CHECK(all_finite(prediction));
  CHECK(std::isfinite(gp.log_marginal_likelihood()));
}

TEST_CASE("predict_mean gives predict's means, also before any observation", "[gp]") {
  const Eigen::MatrixXd points = uniform_points(15, 3, 8);
  hpo::gp::GaussianProcess<> gp({.seed = 2});
  const Eigen::MatrixXd queries = uniform_points(30, 3, 9);
  REQUIRE(gp.predict_mean(queries) == gp.predict(queries).mean);
  gp.fit(points, evaluate(points));
  REQUIRE(gp.predict_mean(queries) == gp.predict(queries).mean);
  REQUIRE_THROWS_WITH(gp.predict_mean(uniform_points(2, 2, 1)),
                      Catch::Contains("points have dimension 2, the model 3"));
  Eigen::MatrixXd bad = queries;
  bad(4, 1) = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_WITH(gp.predict_mean(bad), Catch::Contains("predict_mean: non-finite point"));
}

TEST_CASE("predict_with_gradient matches finite differences and predict", "[gp][gradient]") {
  const Eigen::MatrixXd points = uniform_points(20, 3, 31);
  hpo::gp::GaussianProcess<> gp({.seed = 4});
  gp.fit(points, evaluate(points));
  const Eigen::MatrixXd queries = uniform_points(6, 3, 32);
  for (Eigen::Index q = 0; q < queries.rows(); ++q) {
    const Eigen::VectorXd x = queries.row(q).transpose();
    const auto with_gradient = gp.predict_with_gradient(x);
    const auto plain = gp.predict(x);
    CHECK(with_gradient.mean == Approx(plain.mean).epsilon(1e-14));
    CHECK(with_gradient.variance == Approx(plain.variance).epsilon(1e-14));
    for (Eigen::Index j = 0; j < 3; ++j) {
      const double step = 1e-6;
      Eigen::VectorXd plus = x, minus = x;
      plus(j) += step;
      minus(j) -= step;
      const auto p = gp.predict(plus), m = gp.predict(minus);
      INFO("query " << q << ", coordinate " << j);
      CHECK(with_gradient.mean_gradient(j) == Approx((p.mean - m.mean) / (2 * step)).epsilon(1e-5).margin(1e-7));
      CHECK(with_gradient.variance_gradient(j) ==
            Approx((p.variance - m.variance) / (2 * step)).epsilon(1e-5).margin(1e-7));
    }
  }
  // The batch prediction equals the single-point one.
  const auto batch = gp.predict(queries);
  for (Eigen::Index q = 0; q < queries.rows(); ++q) {
    const auto single = gp.predict(Eigen::VectorXd(queries.row(q).transpose()));
    CHECK(batch.mean(q) == Approx(single.mean).epsilon(1e-13));
    CHECK(batch.variance(q) == Approx(single.variance).epsilon(1e-11));
  }
}

TEMPLATE_TEST_CASE("cross_with_gradient is cross and cross_gradient, bit for bit", "[gp][kernel]", hpo::gp::Matern52,
                   hpo::gp::Matern32, hpo::gp::SquaredExponential) {
  hpo::Rng rng(23, 0);
  for (const Eigen::Index d : {1, 3, 6, 20}) {
    for (const Eigen::Index n : {1, 7, 300}) {
      Eigen::VectorXd log_parameters(d + 1);
      for (Eigen::Index j = 0; j <= d; ++j) log_parameters(j) = -3.0 + 4.0 * rng.uniform();
      TestType kernel(d);
      kernel.set_log_parameters(log_parameters);
      const Eigen::MatrixXd points = uniform_points(n, d, static_cast<std::uint64_t>(100 * d + n));
      // A random query, and one on a data point (r = 0).
      for (const Eigen::VectorXd& x : {Eigen::VectorXd(uniform_points(1, d, 7).row(0).transpose()),
                                       Eigen::VectorXd(points.row(n - 1).transpose())}) {
        const hpo::gp::CrossWithGradient both = kernel.cross_with_gradient(points, x);
        INFO("d = " << d << ", n = " << n);
        CHECK(both.values == kernel.cross(points, x));
        CHECK(both.gradient == kernel.cross_gradient(points, x));
      }
    }
  }
}

TEST_CASE("predictions with gradients are the same through a kernel without the one-pass cross", "[gp][gradient]") {
  const Eigen::MatrixXd points = uniform_points(40, 4, 53);
  const Eigen::VectorXd values = evaluate(points);
  hpo::gp::GaussianProcess<hpo::gp::Matern52> one_pass({.seed = 8});
  hpo::gp::GaussianProcess<TwoPassMatern52> two_pass({.seed = 8});
  one_pass.fit(points, values);
  two_pass.fit(points, values);
  REQUIRE(one_pass.log_hyperparameters() == two_pass.log_hyperparameters());
  for (Eigen::Index q = 0; q < 5; ++q) {
    const Eigen::VectorXd x = uniform_points(1, 4, 60 + static_cast<std::uint64_t>(q)).row(0).transpose();
    const auto a = one_pass.predict_with_gradient(x), b = two_pass.predict_with_gradient(x);
    CHECK(a.mean == b.mean);
    CHECK(a.variance == b.variance);
    CHECK(a.mean_gradient == b.mean_gradient);
    CHECK(a.variance_gradient == b.variance_gradient);
    const auto c = one_pass.predict_mean_with_gradient(x), e = two_pass.predict_mean_with_gradient(x);
    CHECK(c.mean == e.mean);
    CHECK(c.gradient == e.gradient);
  }
}

TEST_CASE("predict_mean_with_gradient gives predict_with_gradient's mean and gradient", "[gp][gradient]") {
  const Eigen::MatrixXd points = uniform_points(25, 4, 51);
  hpo::gp::GaussianProcess<> gp({.seed = 6});
  const Eigen::VectorXd x = uniform_points(1, 4, 52).row(0).transpose();
  const auto prior = gp.predict_mean_with_gradient(x);
  CHECK(prior.mean == gp.predict(x).mean);
  CHECK(prior.gradient.isZero());
  gp.fit(points, evaluate(points));
  const auto full = gp.predict_with_gradient(x);
  const auto mean_only = gp.predict_mean_with_gradient(x);
  // The same arithmetic as predict_with_gradient's: equal up to rounding at most.
  CHECK(mean_only.mean == Approx(full.mean).epsilon(1e-14));
  CHECK((mean_only.gradient - full.mean_gradient).cwiseAbs().maxCoeff() <= 1e-14 * full.mean_gradient.norm());
  CHECK_THROWS_WITH(gp.predict_mean_with_gradient(Eigen::VectorXd::Zero(3)),
                    Catch::Contains("point has dimension 3, the model 4"));
}

TEST_CASE("the factorization in place is the copying one bit for bit, jitter included", "[gp][jitter]") {
  const auto compare = [](const Eigen::MatrixXd& matrix) {
    Eigen::MatrixXd copied = matrix;
    Eigen::LLT<Eigen::MatrixXd> llt;
    const std::optional<double> expected = hpo::gp::detail::cholesky_with_jitter(copied, llt);
    Eigen::MatrixXd in_place = matrix;
    int refills = 0;
    const std::optional<double> jitter = hpo::gp::detail::cholesky_in_place_with_jitter(in_place, [&] {
      ++refills;
      in_place = matrix;
    });
    REQUIRE(jitter.has_value() == expected.has_value());
    if (!expected) return -1.0;
    CHECK(*jitter == *expected);
    const Eigen::MatrixXd expected_lower = llt.matrixL();
    const Eigen::MatrixXd lower = in_place.triangularView<Eigen::Lower>();
    CHECK(lower == expected_lower);
    CHECK((refills > 0) == (*expected > 0.0));
    return *expected;
  };
  for (const Eigen::Index n : {1, 7, 64, 131}) {  // 64 and 131: Eigen factorizes by blocks past 32
    const Eigen::MatrixXd a = uniform_points(n, n, static_cast<std::uint64_t>(n));
    CHECK(compare(a * a.transpose() + 0.1 * Eigen::MatrixXd::Identity(n, n)) == 0.0);
  }
  // Each point three times in a kernel matrix without noise: singular, so jitter is needed.
  const Eigen::MatrixXd distinct = uniform_points(40, 2, 5);
  Eigen::MatrixXd repeated(120, 2);
  repeated << distinct, distinct, distinct;
  const hpo::gp::Matern52 kernel(2);
  CHECK(compare(kernel.matrix(repeated)) > 0.0);
  // Negative definite: no jitter up to 1e-3 of the diagonal helps, and both say so.
  CHECK(compare(-Eigen::MatrixXd::Identity(5, 5)) == -1.0);
}

TEST_CASE("a fit with the buffers of the model's last fit is a fit with fresh ones", "[gp][fit]") {
  const Eigen::MatrixXd points = uniform_points(80, 3, 43);
  const Eigen::VectorXd values = evaluate(points);
  hpo::gp::GaussianProcess<> reused({.random_restarts = 1, .seed = 4});
  reused.fit(points.topRows(40), values.head(40));
  hpo::gp::GaussianProcess<> fresh = reused;  // a copy starts with empty buffers
  // The same size as the last fit, other points and values: stale entries would show.
  reused.fit(points.bottomRows(40), values.tail(40));
  fresh.fit(points.bottomRows(40), values.tail(40));
  CHECK(reused.log_hyperparameters() == fresh.log_hyperparameters());
  CHECK(reused.log_marginal_likelihood() == fresh.log_marginal_likelihood());
}

TEST_CASE("fit is deterministic for a seed", "[gp][fit]") {
  const Eigen::MatrixXd points = uniform_points(40, 3, 41);
  const Eigen::VectorXd values = evaluate(points);
  hpo::gp::GaussianProcess<> first({.random_restarts = 3, .seed = 9});
  hpo::gp::GaussianProcess<> second({.random_restarts = 3, .seed = 9});
  for (int round = 0; round < 2; ++round) {  // the second round uses the warm start and stream 1
    first.fit(points.topRows(30 + 10 * round), values.head(30 + 10 * round));
    second.fit(points.topRows(30 + 10 * round), values.head(30 + 10 * round));
    CHECK(first.log_hyperparameters() == second.log_hyperparameters());
    CHECK(first.log_marginal_likelihood() == second.log_marginal_likelihood());
  }
  CHECK(first.fit_count() == 2);
  // The fit improves the MAP objective over the prior-mode starting point.
  hpo::gp::GaussianProcess<> unfitted;
  unfitted.fit_with_fixed_hyperparameters(points, values);
  Eigen::VectorXd ignored;
  CHECK(first.log_posterior(first.log_hyperparameters(), ignored) >
        unfitted.log_posterior(unfitted.log_hyperparameters(), ignored));
}

TEST_CASE("fit from a given start: the same as from the current hyperparameters when they are that start",
          "[gp][fit]") {
  const Eigen::MatrixXd points = uniform_points(30, 3, 71);
  const Eigen::VectorXd values = evaluate(points);
  const Eigen::VectorXd other = values.array().square().matrix();
  hpo::gp::GaussianProcess<> a({.seed = 3}), b({.seed = 3});
  a.fit(points, values, 1);
  b.fit(points, values, 1);
  const Eigen::VectorXd start = a.log_hyperparameters();
  b.fit(points, other, 0);  // b now sits elsewhere
  REQUIRE(b.log_hyperparameters() != start);
  // Without restarts a fit draws no random numbers: from the same start, the same result.
  a.fit(points, values, 0);
  b.fit(points, values, 0, start);
  CHECK(b.log_hyperparameters() == a.log_hyperparameters());
  CHECK(b.predict(Eigen::VectorXd(points.row(4).transpose())).mean ==
        a.predict(Eigen::VectorXd(points.row(4).transpose())).mean);

  // A start of the wrong size or with a NaN is refused, naming it, and the model stays as it was.
  const Eigen::VectorXd before = b.log_hyperparameters();
  const double mean_before = b.predict(Eigen::VectorXd(points.row(2).transpose())).mean;
  CHECK_THROWS_WITH(b.fit(points, other, 0, Eigen::VectorXd::Zero(4)),
                    Catch::Contains("needs 5 finite log hyperparameters") && Catch::Contains("got 4"));
  Eigen::VectorXd with_nan = before;
  with_nan(1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(b.fit(points, other, 0, with_nan), Catch::Contains("non-finite"));
  CHECK(b.log_hyperparameters() == before);
  CHECK(b.predict(Eigen::VectorXd(points.row(2).transpose())).mean == mean_before);
}

TEST_CASE("fit predicts a smooth 2-D function at held-out points", "[gp][fit]") {
  const Eigen::MatrixXd points = uniform_points(40, 2, 51);
  hpo::gp::GaussianProcess<> gp({.seed = 5});
  gp.set_warning_sink(failing_sink());
  gp.fit(points, evaluate(points));
  const Eigen::MatrixXd held_out = uniform_points(500, 2, 52);
  const Eigen::VectorXd truth = evaluate(held_out);
  const auto prediction = gp.predict(held_out);
  const double range = truth.maxCoeff() - truth.minCoeff();
  const double rmse = std::sqrt((prediction.mean - truth).squaredNorm() / static_cast<double>(truth.size()));
  const double worst = (prediction.mean - truth).cwiseAbs().maxCoeff();
  // Measured for this seed: RMSE 0.0026·range, worst 0.015·range (corner extrapolation);
  // other seeds of the design reach RMSE 0.008·range, worst 0.09·range. Bounds: 4× this seed's.
  INFO("range " << range << ", rmse " << rmse << ", worst " << worst);
  CHECK(rmse < 0.01 * range);
  CHECK(worst < 0.06 * range);
  // Calibration: standardized errors are mostly within 3 standard deviations.
  const Eigen::ArrayXd standardized = (prediction.mean - truth).array() / prediction.variance.array().sqrt();
  CHECK((standardized.abs() < 3.0).cast<double>().mean() > 0.9);
}

namespace {
// The prediction at observation i of a GP fitted on the other observations under gp's
// hyperparameters and output standardization: what gp's leave-one-out must equal.
hpo::gp::Prediction refit_without(const hpo::gp::GaussianProcess<>& gp, const Eigen::MatrixXd& points,
                                  const Eigen::VectorXd& values, Eigen::Index i) {
  const Eigen::Index n = points.rows();
  Eigen::MatrixXd others(n - 1, points.cols());
  Eigen::VectorXd other_values(n - 1);
  for (Eigen::Index j = 0, row = 0; j < n; ++j) {
    if (j == i) continue;
    others.row(row) = points.row(j);
    other_values(row++) = values(j);
  }
  hpo::gp::GaussianProcess<> without;
  without.set_hyperparameters(gp.hyperparameters());
  without.fit_with_fixed_hyperparameters(others, other_values, gp.output_standardization());
  return without.predict(Eigen::VectorXd(points.row(i).transpose()));
}
}  // namespace

TEST_CASE("leave-one-out equals explicit refits without the point", "[gp][loo]") {
  const Eigen::MatrixXd points = uniform_points(15, 2, 61);
  const Eigen::VectorXd values = evaluate(points) * 10.0 + Eigen::VectorXd::Constant(15, 3.0);
  hpo::gp::GaussianProcess<> gp({.seed = 6});
  gp.fit(points, values);
  const auto loo = gp.leave_one_out();
  const double noise_in_output_units =
      gp.noise_variance() * gp.output_standardization().scale * gp.output_standardization().scale;
  for (Eigen::Index i = 0; i < 15; ++i) {
    const auto prediction = refit_without(gp, points, values, i);
    INFO("left out " << i);
    CHECK(loo.mean(i) == Approx(prediction.mean).epsilon(1e-8));
    CHECK(loo.variance(i) == Approx(prediction.variance + noise_in_output_units).epsilon(1e-8));
  }
}

TEST_CASE("the prior mean is the values' average or their maximum, far from the data and in leave-one-out",
          "[gp][prior-mean]") {
  const Eigen::MatrixXd points = uniform_points(15, 2, 61);
  const Eigen::VectorXd values = evaluate(points) * 10.0 + Eigen::VectorXd::Constant(15, 3.0);
  const Eigen::VectorXd far = Eigen::VectorXd::Constant(2, 1e3);  // thousands of length scales away
  hpo::gp::GaussianProcess<> average({.seed = 6});
  hpo::gp::GaussianProcess<> worst({.seed = 6, .prior_mean = hpo::PriorMean::WorstObserved});
  average.fit(points, values);
  worst.fit(points, values);
  CHECK(average.predict(far).mean == Approx(values.mean()).epsilon(1e-9));
  CHECK(worst.predict(far).mean == Approx(values.maxCoeff()).epsilon(1e-9));
  CHECK(worst.predict_mean(far.transpose())(0) == Approx(values.maxCoeff()).epsilon(1e-9));
  CHECK(worst.output_standardization().scale == average.output_standardization().scale);
  // Near the data both interpolate: at an observed point the mean is the value, up to the noise.
  const Eigen::VectorXd first = points.row(0).transpose();
  CHECK(worst.predict(first).mean == Approx(values(0)).margin(0.05));
  // Leave-one-out with the maximum as prior mean equals explicit refits under the same centre.
  const auto loo = worst.leave_one_out();
  for (Eigen::Index i : {0, 7, 14}) {
    INFO("left out " << i);
    CHECK(loo.mean(i) == Approx(refit_without(worst, points, values, i).mean).epsilon(1e-8));
  }
}

TEST_CASE("jitter is reported once per model", "[gp][jitter]") {
  // Duplicated points with a noise far below the floor make K singular.
  Eigen::MatrixXd points(6, 1);
  points << 0.2, 0.2, 0.5, 0.5, 0.9, 0.9;
  int reports = 0;
  std::string message;
  hpo::gp::GaussianProcess<> gp;
  gp.set_warning_sink([&](const std::string& text) {
    ++reports;
    message = text;
  });
  gp.set_hyperparameters(
      {.length_scales = Eigen::VectorXd::Constant(1, 0.3), .signal_variance = 1.0, .noise_variance = 1e-300});
  gp.fit_with_fixed_hyperparameters(points, Eigen::VectorXd::LinSpaced(6, 0.0, 1.0));
  gp.fit_with_fixed_hyperparameters(points, Eigen::VectorXd::LinSpaced(6, 1.0, 0.0));
  CHECK(reports == 1);
  CHECK(message.find("jitter") != std::string::npos);
  CHECK(gp.jitter() > 0.0);
  CHECK(all_finite(gp.predict(Eigen::MatrixXd(uniform_points(10, 1, 3)))));

  // An exact duplicate added to a noiseless model: the new pivot comes out exactly 0, so
  // add_observation falls back to a refactorization, which needs jitter.
  hpo::gp::GaussianProcess<> noiseless;
  noiseless.set_warning_sink([](const std::string&) {});
  noiseless.set_hyperparameters(
      {.length_scales = Eigen::VectorXd::Constant(1, 0.3), .signal_variance = 1.0, .noise_variance = 1e-300});
  noiseless.fit_with_fixed_hyperparameters(Eigen::Vector3d(0.1, 0.5, 0.9), Eigen::Vector3d(1.0, 2.0, 0.5));
  REQUIRE(noiseless.jitter() == 0.0);
  noiseless.add_observation(Eigen::VectorXd::Constant(1, 0.5), 2.0);
  noiseless.add_observation(Eigen::VectorXd::Constant(1, 0.5), 2.0);
  CHECK(noiseless.observation_count() == 5);
  CHECK(noiseless.jitter() > 0.0);
  const auto prediction = noiseless.predict(Eigen::MatrixXd(uniform_points(10, 1, 4)));
  CHECK(all_finite(prediction));
  CHECK(noiseless.predict(Eigen::VectorXd::Constant(1, 0.5)).mean == Approx(2.0).epsilon(1e-6));
}

namespace {

// 1 − 2r² is not a positive-definite profile: once points are spread over more than a
// length scale, the "kernel" matrix has eigenvalues far below zero that no jitter fixes.
struct NotPositiveDefiniteProfile {
  static hpo::gp::RadialProfileValue evaluate(double r) noexcept { return {1.0 - 2.0 * r * r, -4.0}; }
};
class NotPositiveDefinite : public hpo::gp::StationaryArdKernel<NotPositiveDefiniteProfile> {
 public:
  using StationaryArdKernel::StationaryArdKernel;
};

}  // namespace

TEST_CASE("a factorization that fails throws and leaves a consistent model", "[gp][robustness]") {
  const Eigen::MatrixXd points = uniform_points(8, 2, 2);
  const Eigen::VectorXd values = evaluate(points);
  const Eigen::MatrixXd queries = uniform_points(5, 2, 3);
  hpo::gp::GaussianProcess<NotPositiveDefinite> gp;
  gp.set_warning_sink([](const std::string&) {});
  // With long length scales the matrix is a near-constant one plus noise: factorizable.
  gp.set_hyperparameters(
      {.length_scales = Eigen::VectorXd::Constant(2, 1e3), .signal_variance = 1.0, .noise_variance = 1e-2});
  gp.fit_with_fixed_hyperparameters(points, values);
  const auto before = gp.predict(queries);
  REQUIRE(all_finite(before));

  // Short ones: the factorization fails even with jitter; hyperparameters roll back.
  CHECK_THROWS_AS(
      gp.set_hyperparameters(
          {.length_scales = Eigen::VectorXd::Constant(2, 0.1), .signal_variance = 1.0, .noise_variance = 1e-2}),
      std::runtime_error);
  CHECK(gp.hyperparameters().length_scales.isConstant(1e3));
  CHECK(gp.predict(queries).mean == before.mean);

  // A refit that fails leaves an empty model, which still predicts (its prior).
  hpo::gp::GaussianProcess<NotPositiveDefinite> refit;
  refit.set_warning_sink([](const std::string&) {});
  refit.set_hyperparameters(
      {.length_scales = Eigen::VectorXd::Constant(2, 0.1), .signal_variance = 1.0, .noise_variance = 1e-2});
  CHECK_THROWS_AS(refit.fit_with_fixed_hyperparameters(points, values), std::runtime_error);
  CHECK(refit.observation_count() == 0);
  CHECK(std::isfinite(refit.predict(queries.row(0).transpose()).mean));
}

TEST_CASE("invalid inputs throw instead of producing NaN", "[gp][robustness]") {
  hpo::gp::GaussianProcess<> gp;
  Eigen::MatrixXd points = uniform_points(5, 2, 1);
  Eigen::VectorXd values = evaluate(points);
  values(2) = std::nan("");
  CHECK_THROWS_AS(gp.fit(points, values), std::invalid_argument);
  CHECK_THROWS_AS(gp.fit(points, values.head(4)), std::invalid_argument);
  gp.fit(points, evaluate(points));
  CHECK_THROWS_AS(gp.predict(Eigen::VectorXd::Constant(3, 0.5)), std::invalid_argument);
  CHECK_THROWS_AS(gp.add_observation(Eigen::VectorXd::Constant(2, 0.5), INFINITY), std::invalid_argument);

  // Priors with per-dimension length scales for 3 dimensions, points of 2: an error, and the
  // model fitted before is kept.
  auto priors = hpo::gp::HyperparameterPriors::for_dimension(3);
  priors.length_scale_mu = Eigen::VectorXd::Constant(3, 0.0);
  gp.set_priors(priors);
  const double mean_before = gp.predict(Eigen::VectorXd::Constant(2, 0.5)).mean;
  CHECK_THROWS_WITH(gp.fit(points, evaluate(points)), Catch::Contains("length_scale_mu has 3 entries") &&
                                                          Catch::Contains("dimension 2"));
  CHECK(gp.predict(Eigen::VectorXd::Constant(2, 0.5)).mean == mean_before);
  priors.length_scale_mu = Eigen::VectorXd::Constant(2, 0.0);
  gp.set_priors(priors);
  gp.fit(points, evaluate(points));
  CHECK(std::isfinite(gp.predict(Eigen::VectorXd::Constant(2, 0.5)).mean));
}

TEST_CASE("GP options out of range are errors naming the field and the value", "[gp][errors]") {
  using Catch::Contains;
  using Options = hpo::gp::GaussianProcessOptions;
  using GP = hpo::gp::GaussianProcess<>;
  CHECK_THROWS_WITH(GP(Options{.noise_floor = 2.0}), Contains("noise_floor") && Contains("got 2"));
  CHECK_THROWS_WITH(GP(Options{.noise_floor = std::nan("")}), Contains("noise_floor") && Contains("nan"));
  CHECK_THROWS_WITH(GP(Options{.random_restarts = -1}), Contains("random_restarts") && Contains("got -1"));
  CHECK_THROWS_WITH(GP(Options{.max_iterations = 0}), Contains("max_iterations") && Contains("got 0"));
  CHECK_THROWS_WITH(GP(Options{.max_fit_points = -3}), Contains("max_fit_points") && Contains("got -3"));
}

TEST_CASE("the model encoding refuses a unit point of the wrong size or with a non-finite coordinate",
          "[gp][encoding][robustness]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_int("n", 1, 9).add_categorical("c", {"a", "b", "c"});
  const hpo::ModelEncoding encoding(space);
  REQUIRE(encoding.from_unit(Eigen::Vector3d(0.5, 0.5, 0.5)).size() == 5);
  for (Eigen::Index i = 0; i < 3; ++i) {
    Eigen::Vector3d u(0.5, 0.5, 0.5);
    u[i] = std::numeric_limits<double>::quiet_NaN();
    const std::string name = "\"" + space[static_cast<std::size_t>(i)].name + "\"";
    CHECK_THROWS_WITH(encoding.from_unit(u), Catch::Contains(name) && Catch::Contains("nan"));
  }
  CHECK_THROWS_WITH(encoding.from_unit(Eigen::Vector2d(0.5, 0.5)), Catch::Contains("2 coordinates for 3"));
}

TEST_CASE("the model encoding of many unit points is the encoding of each", "[gp][encoding]") {
  hpo::SearchSpace space;
  std::vector<std::string> categories;
  for (int k = 0; k < 150; ++k) categories.push_back("c" + std::to_string(k));
  space.add_real("x", 0.0, 1.0).add_categorical("c", categories).add_int("n", 1, 9).add_categorical("d", {"a", "b"});
  const hpo::ModelEncoding encoding(space);
  hpo::Rng rng(3, 0);
  Eigen::MatrixXd points(71, 4);
  for (Eigen::Index i = 0; i < 70; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) points(i, j) = rng.uniform();
  points.row(70) << 0.0, 1.0, 1.0, 0.0;
  const Eigen::MatrixXd rows = encoding.from_unit_rows(points);
  REQUIRE(rows.rows() == points.rows());
  REQUIRE(rows.cols() == encoding.width());
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    CHECK(rows.row(i).transpose() == encoding.from_unit(points.row(i).transpose()));
  CHECK(encoding.rows_per_batch() * encoding.width() <= Eigen::Index{1} << 14);
  points(5, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(encoding.from_unit_rows(points), Catch::Contains("\"c\"") && Catch::Contains("inf"));
}

TEST_CASE("kernel matrices of points wider and longer than a cache tile match the pairwise kernel", "[gp][kernel]") {
  // 70 points of 150 coordinates: the scaled copy is transposed tile by tile, with partial tiles
  // on both edges.
  const Eigen::MatrixXd points = uniform_points(70, 150, 11);
  const Eigen::MatrixXd others = uniform_points(3, 150, 12);
  Eigen::VectorXd length_scales(150);
  for (Eigen::Index p = 0; p < 150; ++p) length_scales(p) = 0.5 + 0.02 * static_cast<double>(p);
  const hpo::gp::Matern52 kernel(length_scales, 1.3);
  const Eigen::MatrixXd cross = kernel.cross_matrix(points, others);
  const Eigen::MatrixXd gram = kernel.matrix(points);
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    for (Eigen::Index j = 0; j < others.rows(); ++j)
      CHECK(cross(i, j) == Approx(kernel(points.row(i).transpose(), others.row(j).transpose())).epsilon(1e-12));
    CHECK(gram(i, 69 - i) == Approx(kernel(points.row(i).transpose(), points.row(69 - i).transpose())).epsilon(1e-12));
  }
}

namespace {

// Fits, predicts, differentiates, leaves one out and adds a point: everything must stay
// finite and nothing may throw (a jitter report is allowed).
hpo::gp::BatchPrediction check_robust(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                      std::uint64_t seed) {
  hpo::gp::GaussianProcess<> gp({.seed = seed});
  gp.set_warning_sink([](const std::string&) {});
  REQUIRE_NOTHROW(gp.fit(points, values));
  const Eigen::MatrixXd queries = uniform_points(25, points.cols(), seed + 100);
  const auto prediction = gp.predict(queries);
  CHECK(all_finite(prediction));
  CHECK(std::isfinite(gp.log_marginal_likelihood()));
  CHECK(gp.log_hyperparameters().allFinite());
  const auto loo = gp.leave_one_out();
  CHECK(loo.mean.allFinite());
  CHECK(loo.variance.allFinite());
  const auto with_gradient = gp.predict_with_gradient(queries.row(0).transpose());
  CHECK(with_gradient.mean_gradient.allFinite());
  CHECK(with_gradient.variance_gradient.allFinite());
  REQUIRE_NOTHROW(gp.add_observation(points.row(0).transpose(), values(0)));
  CHECK(all_finite(gp.predict(queries)));
  return prediction;
}

}  // namespace

TEST_CASE("robust on awkward data: no NaN, no throw", "[gp][robustness]") {
  SECTION("duplicated points") {
    Eigen::MatrixXd points = uniform_points(10, 2, 71);
    Eigen::MatrixXd doubled(20, 2);
    doubled << points, points;
    Eigen::VectorXd values(20);
    values << evaluate(points), evaluate(points) + Eigen::VectorXd::Constant(10, 0.01);
    check_robust(doubled, values, 1);
  }
  SECTION("constant outputs") {
    const Eigen::MatrixXd points = uniform_points(12, 3, 72);
    const auto prediction = check_robust(points, Eigen::VectorXd::Constant(12, 7.5), 2);
    CHECK((prediction.mean.array() - 7.5).abs().maxCoeff() < 1e-9);
  }
  SECTION("outputs around 1e12") {
    const Eigen::MatrixXd points = uniform_points(20, 2, 73);
    check_robust(points, Eigen::VectorXd::Constant(20, 1e12) + evaluate(points), 3);
    check_robust(points, 1e12 * evaluate(points), 3);
  }
  SECTION("outputs around 1e-12") {
    const Eigen::MatrixXd points = uniform_points(20, 2, 74);
    const auto prediction = check_robust(points, 1e-12 * evaluate(points), 4);
    CHECK(prediction.mean.cwiseAbs().maxCoeff() < 1e-10);
  }
  SECTION("one dimension") {
    const Eigen::MatrixXd points = uniform_points(15, 1, 75);
    check_robust(points, evaluate(points), 5);
  }
  SECTION("thirty dimensions") {
    const Eigen::MatrixXd points = uniform_points(60, 30, 76);
    check_robust(points, evaluate(points), 6);
  }
  SECTION("a single point") {
    const Eigen::MatrixXd points = uniform_points(1, 3, 77);
    check_robust(points, Eigen::VectorXd::Constant(1, 2.0), 7);
  }
}

// Its own test case so that ctest runs it in parallel with the others: about 2 minutes
// in the Debug sanitizer build (1.5 s in Release).
TEST_CASE("robust on 2000 points", "[gp][robustness]") {
  const Eigen::MatrixXd points = uniform_points(2000, 2, 78);
  const auto prediction = check_robust(points, evaluate(points), 8);
  // And accurate: 2000 points of a smooth 2-D function pin it down at the 25 queries.
  const Eigen::VectorXd truth = evaluate(uniform_points(25, 2, 8 + 100));  // check_robust's queries
  const double worst = (prediction.mean - truth).cwiseAbs().maxCoeff();
  // Measured 3.8e-5, against the function's spread of 1.35 over those queries.
  CHECK(worst < 1e-3);
}

TEST_CASE("an empty model predicts its prior", "[gp]") {
  hpo::gp::GaussianProcess<> gp;
  const auto prediction = gp.predict(Eigen::VectorXd::Constant(2, 0.5));
  CHECK(prediction.mean == 0.0);
  CHECK(prediction.variance > 0.0);
  gp.add_observation(Eigen::VectorXd::Constant(2, 0.5), 0.25);
  CHECK(gp.observation_count() == 1);
  CHECK(gp.predict(Eigen::VectorXd::Constant(2, 0.5)).mean == Approx(0.25).epsilon(1e-3));
}

TEST_CASE("other kernels work in the GP", "[gp][kernel]") {
  const Eigen::MatrixXd points = uniform_points(25, 2, 81);
  const Eigen::VectorXd values = evaluate(points);
  const Eigen::MatrixXd queries = uniform_points(100, 2, 82);
  hpo::gp::GaussianProcess<hpo::gp::Matern32> matern32;
  hpo::gp::GaussianProcess<hpo::gp::SquaredExponential> squared_exponential;
  matern32.fit(points, values);
  squared_exponential.fit(points, values);
  CHECK(all_finite(matern32.predict(queries)));
  CHECK(all_finite(squared_exponential.predict(queries)));
}

// ---- The output transform ----

namespace {
// The robust transform as it was before values near the largest double were handled: the numbers
// Bayesian optimization computes on ordinary values must not change.
double robust_transform_before(const std::vector<double>& values, double y) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto quantile = [&](double q) {
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const auto above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
  };
  const double median = quantile(0.5);
  double spread = (quantile(0.75) - quantile(0.25)) / 1.349;
  if (!(spread > 0.0)) spread = std::max(std::abs(median) * 1e-6, 1e-12);
  return y <= median ? y : median + spread * std::log1p((y - median) / spread);
}

Eigen::VectorXd vector_of(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}
}  // namespace

TEST_CASE("the output transform leaves ordinary values' numbers as they were", "[gp][transform]") {
  hpo::Rng rng(5, 0);
  for (int set = 0; set < 20; ++set) {
    std::vector<double> values;
    for (int i = 0; i < 5 + 7 * set; ++i) values.push_back(std::exp(8 * rng.normal()) * (rng.uniform() - 0.3) * 1e3);
    const auto t = hpo::gp::ValueTransform::fit(vector_of(values), true);
    REQUIRE(t.ranked.empty());
    for (const double y : values) REQUIRE(t(y) == robust_transform_before(values, y));
    for (const double y : {-1e6, 0.0, 3.5, 1e9}) REQUIRE(t(y) == robust_transform_before(values, y));
  }
}

TEST_CASE("the output transform keeps any finite value finite, in order and invertible", "[gp][transform]") {
  const double max = std::numeric_limits<double>::max();
  const std::vector<std::vector<double>> sets{
      {0.3, 1.2, max, 0.7, max, 2.5, max, 0.9},               // the largest double as a penalty
      {4.0, 1e300, 1e300, 2.0, 3.0, 1e300, 1e300, 1e300},     // most values a 1e300 penalty
      {-max, 1.0, 2.0, 3.0, max, -1e308, 5.0},                // both ends
      {1e-3, 2e-3, 1e-3 + 1e-12, 1e300 * 3, 1e300 * 2, 7e-3}  // penalties that differ
  };
  for (const bool robust : {true, false}) {
    for (const auto& values : sets) {
      INFO((robust ? "robust " : "standardize ") << vector_of(values).transpose());
      const auto t = hpo::gp::ValueTransform::fit(vector_of(values), robust);
      REQUIRE_FALSE(t.ranked.empty());
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t i = 0; i < sorted.size(); ++i) {
        REQUIRE(std::isfinite(t(sorted[i])));
        REQUIRE(std::abs(t(sorted[i])) < 10.0);
        if (i > 0)
          REQUIRE((sorted[i] == sorted[i - 1] ? t(sorted[i]) == t(sorted[i - 1]) : t(sorted[i]) > t(sorted[i - 1])));
        REQUIRE(t.inverse(t(sorted[i])) == sorted[i]);
      }
      // Values seen later are scored against the fitted ones, beyond them a little beyond.
      if (const double below = std::nextafter(sorted.front(), -max); below < sorted.front())
        REQUIRE(t(below) < t(sorted.front()));
      REQUIRE(t(max) >= t(sorted.back()));
      // A Gaussian process takes the shaped values.
      hpo::gp::GaussianProcess<> gp({.seed = 1});
      REQUIRE_NOTHROW(gp.fit(uniform_points(static_cast<Eigen::Index>(values.size()), 2, 3), t(vector_of(values))));
    }
  }
  // A penalty on an eighth of the values: clipped softly a little beyond 30 spreads, in order.
  const std::vector<double> few{0.3, 1.2, 0.7, 2.5, 0.9, 1.1, 1e300, 1.7};
  const auto clipped = hpo::gp::ValueTransform::fit(vector_of(few), true);
  REQUIRE(clipped.ranked.empty());
  const double limit = clipped.median + 31 * clipped.spread;
  REQUIRE(clipped(1e300) < limit);
  REQUIRE(clipped(1e300) > clipped.median + 30 * clipped.spread);
  REQUIRE(clipped(1e300) < clipped(max));
  REQUIRE(clipped(2.5) == robust_transform_before(few, 2.5));
  REQUIRE(clipped.inverse(clipped(2.5)) == Approx(2.5).epsilon(1e-12));
  REQUIRE(clipped.inverse(clipped(1e300)) > 1e250);
  // The robust map is inverted on both sides, overflow-safely.
  const auto robust = hpo::gp::ValueTransform::fit(vector_of({1.0, 2.0, 3.0, 4.0, 50.0}), true);
  for (const double y : {-7.0, 1.0, 3.0, 4.0, 50.0, 1e6})
    REQUIRE(robust.inverse(robust(y)) == Approx(y).epsilon(1e-12));
  REQUIRE(robust.inverse(1e300) == std::numeric_limits<double>::max());
}

TEST_CASE("quantiles and interpolation stay finite for any finite values, and the normal quantile is accurate",
          "[gp][statistics]") {
  const double max = std::numeric_limits<double>::max();
  REQUIRE(hpo::detail::quantile({-max, max}, 0.9) == Approx(0.8 * max));
  REQUIRE(hpo::detail::interpolate(-max, max, 0.5) == 0.0);
  REQUIRE(hpo::detail::interpolate(1.0, 3.0, 0.25) == 1.5);
  REQUIRE_THROWS_AS(hpo::detail::quantile({1.0, 2.0}, std::nan("")), std::invalid_argument);
  REQUIRE_THROWS_AS(hpo::detail::quantile({}, 0.5), std::invalid_argument);
  // Reference values: scipy.stats.norm.ppf.
  REQUIRE(hpo::detail::normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  REQUIRE(hpo::detail::normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-13));
  REQUIRE(hpo::detail::normal_quantile(0.5) == Approx(0.0).margin(1e-15));
  for (const double p : {1e-300, 1e-5, 0.02, 0.3, 0.7, 0.99, 1 - 1e-12})
    REQUIRE(hpo::detail::normal_cdf(hpo::detail::normal_quantile(p)) == Approx(p).epsilon(1e-12));
  REQUIRE_THROWS_AS(hpo::detail::normal_quantile(0.0), std::invalid_argument);
}
