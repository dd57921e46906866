// Tests of the acquisition functions: the log-EI building block log h against
// high-precision values, the derivatives, and the gradients w.r.t. x through a GP.

#include "hpo/acquisition/log_expected_improvement.hpp"
#include "hpo/acquisition/probability_of_improvement.hpp"
#include "hpo/acquisition/upper_confidence_bound.hpp"
#include "hpo/core/random.hpp"
#include "hpo/gp/gaussian_process.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numbers>
#include <vector>

namespace {

using hpo::acquisition::log_h;
using hpo::acquisition::log_h_derivative;
using hpo::acquisition::log_normal_cdf;
using hpo::acquisition::log_normal_cdf_derivative;

double relative_error(double value, double reference) {
  return std::abs(value - reference) / std::max(std::abs(reference), 1e-300);
}

// Reference values computed with mpmath 1.3.0 at 80 significant digits:
//   h = npdf(z) + z*ncdf(z); columns: z, log(h), ncdf(z)/h (= d log h/dz),
//   log(ncdf(z)), npdf(z)/ncdf(z) (= d log Φ/dz), printed with mp.nstr(., 20).
struct Reference {
  double z, log_h, log_h_derivative, log_cdf, log_cdf_derivative;
};
const std::vector<Reference> kReferences = {
    {5, 1.6094379231264313851, 0.19999994053122004649, -2.8665161296376359338e-7, 1.4867199409049057124e-6},
    {1, 0.080026218849306940029, 0.77663872520173925975, -0.17275377902344988953, 0.28759997093917836123},
    {0, -0.91893853320467274178, 1.2533141373155002512, -0.69314718055994530942, 0.79788456080286535588},
    {-1, -2.4851210257126413368, 1.9042712333296918229, -1.8410216450092635058, 1.5251352761609812091},
    {-3, -7.8696860596030285171, 3.5323375176251605167, -6.6077262215103495433, 3.2830986549304365069},
    {-5, -16.744301162660990143, 5.3618162412880885298, -15.064998393988725736, 5.1865039671258421156},
    {-10, -55.553122036122355927, 10.194383033412553306, -53.231285150512470578, 10.098093233962511963},
    {-20, -206.91783850942509785, 20.099262811101281775, -203.91715537109726394, 20.049753068527850542},
    {-40, -808.29856835661996024, 40.049906657648518193, -804.60844201375378817, 40.024968847207263723},
    {-100, -5010.1295788002497923, 100.01999400419586505, -5005.5242086942050886, 100.00999800099926071},
    {-1e3, -500014.73445209115845, 1000.001999994000042, -500007.82669481218431, 1000.00099999800001},
    {-0.5, -1.6205162643873199193, 1.5598731483480796712, -1.1759117615936186089, 1.1410777703680644809},
    {-2, -4.7687835239171141569, 2.6794168839555859839, -3.7831843336820319488, 2.3732155328228408673},
    {-2.9, -7.520846492887873521, 3.4445327294133316039, -6.2840582349474187035, 3.1903151395429819932},
    {-3.1, -8.2273293935727489144, 3.6206042621431929162, -6.9406884584212278183, 3.3761969902250671735},
    {-7, -29.368107183141277688, 7.2703154723898734913, -27.384307498811075243, 7.1375456132265032765},
    {-1e5, -5000000023.9447894634, 100000.00001999999999, -5000000012.4318639983, 100000.00001},
    {-1e8, -5000000000000037.7603, 100000000.00000002, -5000000000000019.3396, 100000000.00000001},
};

// Central difference with a step scaled to |z|.
double central_difference(const std::function<double(double)>& f, double z) {
  const double step = 1e-6 * std::max(1.0, std::abs(z));
  return (f(z + step) - f(z - step)) / (2.0 * step);
}

}  // namespace

TEST_CASE("log_h matches high-precision values at every branch", "[acquisition][log_h]") {
  for (const Reference& reference : kReferences) {
    INFO("z = " << reference.z);
    CHECK(relative_error(log_h(reference.z), reference.log_h) < 1e-13);
    CHECK(relative_error(log_h_derivative(reference.z), reference.log_h_derivative) < 1e-13);
  }
}

TEST_CASE("log_h in the asymptotic range and at the extremes", "[acquisition][log_h]") {
  // Beyond 2^26 the asymptote is exact: −z²/2 − ln√(2π) − 2 ln|z| + O(1/z²).
  const double z = -1e9;
  const double expected = -0.5 * z * z - 0.91893853320467274178 - 2.0 * std::log(-z);
  CHECK(relative_error(log_h(z), expected) < 1e-15);
  CHECK(relative_error(log_h_derivative(z), -z) < 1e-15);
  CHECK(std::isfinite(log_h(1e10)));
  CHECK(relative_error(log_h(1e10), std::log(1e10)) < 1e-15);
  CHECK(log_h(-1e200) == -INFINITY);  // −z²/2 overflows: −inf, never NaN
  CHECK(std::isnan(log_h(NAN)));
}

TEST_CASE("log_h is continuous across its branch points", "[acquisition][log_h]") {
  for (const double boundary : {-1.0, -3.0, -4.0, -8.0, -67108864.0}) {
    INFO("boundary " << boundary);
    const double below = std::nextafter(boundary, -INFINITY);
    const double above = std::nextafter(boundary, INFINITY);
    CHECK(relative_error(log_h(below), log_h(above)) < 1e-13);
    CHECK(relative_error(log_h_derivative(below), log_h_derivative(above)) < 1e-13);
  }
}

TEST_CASE("log_h derivative matches finite differences", "[acquisition][log_h]") {
  for (const double z : {5.0, 1.0, 0.3, 0.0, -0.7, -1.5, -2.5, -3.5, -5.0, -10.0, -20.0, -40.0, -100.0, -1e3}) {
    INFO("z = " << z);
    CHECK(relative_error(log_h_derivative(z), central_difference(log_h, z)) < 1e-6);
  }
}

TEST_CASE("log Φ matches high-precision values and its derivative", "[acquisition][log_pi]") {
  for (const Reference& reference : kReferences) {
    INFO("z = " << reference.z);
    CHECK(relative_error(log_normal_cdf(reference.z), reference.log_cdf) < 1e-13);
    CHECK(relative_error(log_normal_cdf_derivative(reference.z), reference.log_cdf_derivative) < 1e-13);
  }
  for (const double z : {3.0, 0.5, -0.5, -2.0, -4.0, -30.0}) {
    INFO("z = " << z);
    CHECK(relative_error(log_normal_cdf_derivative(z), central_difference(log_normal_cdf, z)) < 1e-6);
  }
}

TEST_CASE("erfcx matches high-precision values", "[acquisition][erfcx]") {
  // mpmath: exp(x*x)*erfc(x) at 80 digits.
  const std::vector<std::pair<double, double>> references = {
      {-3.0, 16205.988853999586625},   {-0.5, 1.9523604891825570933},   {0.0, 1.0},
      {0.5, 0.61569034419292587487},   {1.0, 0.42758357615580700441},   {2.0, 0.25539567631050574387},
      {2.2, 0.23559296367861404401},   {3.0, 0.17900115118138995042},   {5.0, 0.11070463773306862637},
      {10.0, 0.056140992743822585858}, {30.0, 0.018795888861416751497}, {1e3, 0.0005641893014533876542},
      {1e6, 5.6418958354747419216e-7}};
  for (const auto& [x, reference] : references) {
    INFO("x = " << x);
    CHECK(relative_error(hpo::acquisition::erfcx(x), reference) < 1e-14);
  }
}

TEST_CASE("log EI decreases with the mean and increases with the standard deviation", "[acquisition][log_ei]") {
  const hpo::acquisition::LogExpectedImprovement log_ei{.best = 0.0};
  // Means from far better than the incumbent to 1e3 standard deviations worse.
  for (const double sigma : {1e-3, 1.0, 10.0}) {
    double previous = INFINITY;
    for (double mean = -5.0 * sigma; mean <= 1e3 * sigma; mean += 0.37 * sigma) {
      const double value = log_ei(mean, sigma * sigma);
      INFO("sigma " << sigma << " mean " << mean);
      REQUIRE(std::isfinite(value));
      CHECK(value < previous);
      previous = value;
    }
  }
  for (const double mean : {-1.0, 0.0, 1.0, 50.0}) {
    double previous = -INFINITY;
    for (double sigma = 1e-2; sigma < 1e2; sigma *= 1.3) {
      const double value = log_ei(mean, sigma * sigma);
      INFO("mean " << mean << " sigma " << sigma);
      REQUIRE(std::isfinite(value));
      // For z = (best − μ)/σ above ~8, EI = (best − μ) + σ·(φ(z) − z·(1 − Φ(z))) differs
      // from best − μ by less than one ulp, and ln σ + log h(z) carries a few ulps of
      // rounding: there only "not decreasing beyond rounding" is meaningful.
      if ((0.0 - mean) / sigma < 5.0) {
        CHECK(value > previous);
      } else {
        CHECK(value >= previous - 1e-14);
      }
      previous = value;
    }
  }
  // The value is log of the closed form where that is representable.
  const double mean = 0.3, sigma = 0.8, z = -mean / sigma;
  const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  CHECK(log_ei(mean, sigma * sigma) == Approx(std::log(sigma * (density + z * cdf))).epsilon(1e-13));
}

namespace {

// A GP on a smooth 2-D function, for gradients through predict_with_gradient.
hpo::gp::GaussianProcess<> fitted_model() {
  hpo::Rng rng(3, 0);
  Eigen::MatrixXd points(15, 2);
  Eigen::VectorXd values(15);
  for (Eigen::Index i = 0; i < 15; ++i) {
    points(i, 0) = rng.uniform();
    points(i, 1) = rng.uniform();
    values(i) = std::sin(4.0 * points(i, 0)) + (points(i, 1) - 0.3) * (points(i, 1) - 0.3) * 3.0;
  }
  hpo::gp::GaussianProcess<> gp({.seed = 1});
  gp.fit(points, values);
  return gp;
}

template <class Acquisition>
void check_gradient(const Acquisition& acquisition, const hpo::gp::GaussianProcess<>& gp, const Eigen::VectorXd& x) {
  const auto [value, gradient] = acquisition.value_and_gradient(gp, x);
  CHECK(value == Approx(acquisition.value(gp, x)).epsilon(1e-12));
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    const double step = 1e-6;
    Eigen::VectorXd plus = x, minus = x;
    plus(j) += step;
    minus(j) -= step;
    const double numeric = (acquisition.value(gp, plus) - acquisition.value(gp, minus)) / (2.0 * step);
    INFO("x = " << x.transpose() << ", coordinate " << j << ": analytic " << gradient(j) << ", numeric " << numeric);
    CHECK(std::abs(gradient(j) - numeric) < 1e-5 * std::max(1.0, std::abs(numeric)));
  }
}

}  // namespace

TEST_CASE("acquisition gradients through a GP match finite differences", "[acquisition][gradient]") {
  const auto gp = fitted_model();
  const double best = gp.outputs().minCoeff();
  const std::vector<Eigen::VectorXd> queries = {Eigen::Vector2d(0.52, 0.41), Eigen::Vector2d(0.05, 0.93),
                                                Eigen::Vector2d(0.77, 0.18), Eigen::Vector2d(0.31, 0.66)};
  for (const Eigen::VectorXd& x : queries) {
    SECTION("log EI") { check_gradient(hpo::acquisition::LogExpectedImprovement{.best = best}, gp, x); }
    SECTION("log EI far from improvement") {
      // Incumbent far below every prediction: z around −50, where naive EI is 0.
      const auto far =
          hpo::acquisition::LogExpectedImprovement{.best = best - 50.0 * std::sqrt(gp.predict(x).variance)};
      REQUIRE(std::isfinite(far.value(gp, x)));
      check_gradient(far, gp, x);
    }
    SECTION("UCB") { check_gradient(hpo::acquisition::UpperConfidenceBound{.beta = 4.0}, gp, x); }
    SECTION("log PI") { check_gradient(hpo::acquisition::LogProbabilityOfImprovement{.best = best}, gp, x); }
    SECTION("log PI with margin") {
      check_gradient(hpo::acquisition::LogProbabilityOfImprovement{.best = best, .margin = 0.5}, gp, x);
    }
  }
}

TEST_CASE("UCB and PI follow the maximize-for-minimization convention", "[acquisition]") {
  const hpo::acquisition::UpperConfidenceBound ucb{.beta = 4.0};
  CHECK(ucb(1.0, 0.25) == Approx(2.0 * 0.5 - 1.0));
  CHECK(ucb(0.0, 1.0) > ucb(1.0, 1.0));  // lower mean is better
  CHECK(ucb(0.0, 4.0) > ucb(0.0, 1.0));  // more uncertainty is better
  const hpo::acquisition::LogProbabilityOfImprovement log_pi{.best = 0.0};
  CHECK(log_pi(0.0, 1.0) == Approx(std::log(0.5)).epsilon(1e-15));
  CHECK(log_pi(-1.0, 1.0) > log_pi(1.0, 1.0));
  CHECK(std::isfinite(log_pi(1e3, 1.0)));
}
