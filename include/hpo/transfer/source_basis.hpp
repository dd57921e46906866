#pragma once
// The target's values as a linear combination of the sources' surrogate means.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/statistics.hpp"

namespace hpo::transfer {

/// Bayesian linear regression of the target's values on the sources' surrogate means: with t the
/// target's values standardized (mean 0, spread 1) and h(x) = [1, mu_1(x), ..., mu_k(x)] the
/// sources' standardized posterior means, t = h(x)^T beta + noise, beta ~ N(0, I), and the noise
/// variance the one of {1e-4, 1e-3, ..., 1} with the highest evidence. This is the Bayesian
/// linear-regression head of ABLR (Perrone et al., NeurIPS 2018) with the source surrogates as its
/// features: tasks of one family that differ in scale, offset or a mix of the sources' shapes are
/// fitted by a few coefficients from a few target observations, where a GP alone must relearn the
/// whole surface. Which sources enter is decided first (select_sources_by_evidence, in
/// hpo::BayesianOptimization); the target's GP then models only what the regression leaves.
/// Usage: `auto basis = hpo::transfer::SourceBasis::fit(source_means, y); double m = basis.mean(h);`
struct SourceBasis {
  double offset = 0.0;           ///< the target values' mean
  double spread = 1.0;           ///< the target values' standard deviation
  Eigen::VectorXd coefficients;  ///< posterior mean of beta: intercept, then one per source
  Eigen::MatrixXd covariance;    ///< posterior covariance of beta
  double noise_variance = 1.0;   ///< chosen by evidence, in standardized units
  double log_evidence = 0.0;
  std::vector<Eigen::Index> columns;  ///< which sources (feature columns) enter, in order

  bool empty() const noexcept { return coefficients.size() == 0; }

  /// features: n x k (source i's mean at observation r in column i); values: n; use: which of the
  /// k sources enter the regression (all when empty). Points are later given with all k means.
  static SourceBasis fit(const Eigen::MatrixXd& all_features, const Eigen::VectorXd& values,
                         const std::vector<bool>& use = {}) {
    SourceBasis basis;
    for (Eigen::Index i = 0; i < all_features.cols(); ++i)
      if (use.empty() || use[static_cast<std::size_t>(i)]) basis.columns.push_back(i);
    const Eigen::MatrixXd features = all_features(Eigen::all, basis.columns);
    const Eigen::Index n = features.rows(), p = features.cols() + 1;
    if (values.size() != n || n == 0)
      throw std::invalid_argument("hpo::transfer::SourceBasis::fit: one value per feature row is needed");
    basis.offset = values.mean();
    const double deviation = hpo::detail::population_deviation(values, basis.offset);
    basis.spread = deviation > 0.0 ? deviation : 1.0;
    const Eigen::VectorXd t = (values.array() - basis.offset) / basis.spread;
    Eigen::MatrixXd design(n, p);
    design.col(0).setOnes();
    design.rightCols(p - 1) = features;
    const Eigen::MatrixXd gram = design.transpose() * design;
    const Eigen::VectorXd projection = design.transpose() * t;
    const double squared_norm = t.squaredNorm();
    basis.log_evidence = -std::numeric_limits<double>::infinity();
    for (double noise = 1e-4; noise <= 1.0 + 1e-12; noise *= 10.0) {
      // C = noise*I + H H^T by Woodbury through the p x p matrix A = H^T H + noise*I:
      // log|C| = (n - p) log noise + log|A|, t^T C^-1 t = (t^T t - t^T H A^-1 H^T t) / noise.
      const Eigen::MatrixXd a = gram + noise * Eigen::MatrixXd::Identity(p, p);
      const Eigen::LLT<Eigen::MatrixXd> llt(a);
      if (llt.info() != Eigen::Success) continue;
      const Eigen::VectorXd solved = llt.solve(projection);
      const double log_det =
          static_cast<double>(n - p) * std::log(noise) + 2.0 * llt.matrixLLT().diagonal().array().log().sum();
      const double quadratic = (squared_norm - projection.dot(solved)) / noise;
      const double evidence = -0.5 * (quadratic + log_det);
      if (!(evidence > basis.log_evidence)) continue;
      basis.log_evidence = evidence;
      basis.noise_variance = noise;
      basis.coefficients = solved;
      basis.covariance = noise * llt.solve(Eigen::MatrixXd::Identity(p, p));
    }
    if (basis.empty())
      throw std::runtime_error("hpo::transfer::SourceBasis::fit: the regression is singular at every noise level");
    return basis;
  }

  /// Means and variances at many points at once: row r of h holds point r's k source means.
  struct Prediction {
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
  };
  Prediction predict(const Eigen::MatrixXd& h) const {
    Eigen::MatrixXd design(h.rows(), static_cast<Eigen::Index>(columns.size()) + 1);
    design.col(0).setOnes();
    design.rightCols(design.cols() - 1) = h(Eigen::all, columns);
    Prediction result;
    result.mean = ((spread * (design * coefficients)).array() + offset).matrix();
    result.variance = (spread * spread) * (design * covariance).cwiseProduct(design).rowwise().sum();
    return result;
  }

  /// The mean in the target's units at a point whose source means are h (all k of them).
  double mean(const Eigen::VectorXd& h) const { return offset + spread * coefficients.dot(design_row(h)); }

  /// The variance of that mean (the coefficients' uncertainty), in the target's units.
  double variance(const Eigen::VectorXd& h) const {
    const Eigen::VectorXd row = design_row(h);
    return spread * spread * row.dot(covariance * row);
  }

  /// d mean / d h_i and d variance / d h_i (k entries, zero for sources left out), for the chain
  /// rule through the sources' gradients.
  Eigen::VectorXd mean_gradient(Eigen::Index k) const {
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(k);
    for (std::size_t c = 0; c < columns.size(); ++c)
      gradient[columns[c]] = spread * coefficients[static_cast<Eigen::Index>(c) + 1];
    return gradient;
  }
  Eigen::VectorXd variance_gradient(const Eigen::VectorXd& h) const {
    const Eigen::VectorXd half = covariance * design_row(h);
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(h.size());
    for (std::size_t c = 0; c < columns.size(); ++c)
      gradient[columns[c]] = 2.0 * spread * spread * half[static_cast<Eigen::Index>(c) + 1];
    return gradient;
  }

 private:
  Eigen::VectorXd design_row(const Eigen::VectorXd& h) const {
    Eigen::VectorXd row(static_cast<Eigen::Index>(columns.size()) + 1);
    row[0] = 1.0;
    for (std::size_t c = 0; c < columns.size(); ++c) row[static_cast<Eigen::Index>(c) + 1] = h[columns[c]];
    return row;
  }
};

/// Which sources earn a place in the regression, by Bayesian model comparison: the target's
/// standardized values t under a GP with covariance K (noise included) and an explicit linear mean
/// over [1, selected source means] whose coefficients, N(0, prior_scale^2), are integrated out,
/// t ~ N(0, K + prior_scale^2 * F F^T) (Rasmussen & Williams 2006, sec. 2.7). Greedy forward
/// selection from the intercept alone: the source that raises the log evidence most enters while
/// it raises it by more than min_log_bayes_factor (log 3: "positive" evidence in the sense of Kass &
/// Raftery 1995). A source whose surface explains nothing the GP does not already explain costs
/// more in the evidence's Occam factor than it gains, so an unrelated source stays out.
/// Usage: `auto use = hpo::transfer::select_sources_by_evidence(K, t, source_means, 1.0);`
inline std::vector<bool> select_sources_by_evidence(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& t,
                                                    const Eigen::MatrixXd& features, double prior_scale,
                                                    double min_log_bayes_factor = std::log(3.0)) {
  const Eigen::Index n = t.size(), k = features.cols();
  std::vector<bool> selected(static_cast<std::size_t>(k), false);
  const auto log_evidence = [&](const std::vector<bool>& use) {
    Eigen::MatrixXd c = covariance;
    c.array() += prior_scale * prior_scale;  // the intercept
    for (Eigen::Index i = 0; i < k; ++i)
      if (use[static_cast<std::size_t>(i)])
        c.noalias() += (prior_scale * prior_scale) * features.col(i) * features.col(i).transpose();
    const Eigen::LLT<Eigen::MatrixXd> llt(c);
    if (llt.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
    const Eigen::VectorXd solved = llt.matrixL().solve(t);
    return -0.5 * solved.squaredNorm() - llt.matrixLLT().diagonal().array().log().sum();
  };
  if (features.rows() != n)
    throw std::invalid_argument("hpo::transfer::select_sources_by_evidence: one feature row per value is needed");
  double current = log_evidence(selected);
  while (true) {
    double best = current;
    Eigen::Index best_source = -1;
    for (Eigen::Index i = 0; i < k; ++i) {
      if (selected[static_cast<std::size_t>(i)]) continue;
      selected[static_cast<std::size_t>(i)] = true;
      const double value = log_evidence(selected);
      selected[static_cast<std::size_t>(i)] = false;
      if (value > best) best = value, best_source = i;
    }
    if (best_source < 0 || !(best - current > min_log_bayes_factor)) return selected;
    selected[static_cast<std::size_t>(best_source)] = true;
    current = best;
  }
}

}  // namespace hpo::transfer
