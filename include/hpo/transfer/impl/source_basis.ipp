#pragma once
// Bodies of source_basis.hpp; see core/linkage.hpp.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "hpo/core/statistics.hpp"
#include "hpo/transfer/source_basis.hpp"

namespace hpo::transfer {

HPO_INLINE SourceBasis SourceBasis::fit(const Eigen::MatrixXd& all_features, const Eigen::VectorXd& values,
                                        const std::vector<bool>& use) {
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

HPO_INLINE SourceBasis::Prediction SourceBasis::predict(const Eigen::MatrixXd& h) const {
  Eigen::MatrixXd design(h.rows(), static_cast<Eigen::Index>(columns.size()) + 1);
  design.col(0).setOnes();
  design.rightCols(design.cols() - 1) = h(Eigen::all, columns);
  Prediction result;
  result.mean = ((spread * (design * coefficients)).array() + offset).matrix();
  result.variance = (spread * spread) * (design * covariance).cwiseProduct(design).rowwise().sum();
  return result;
}

HPO_INLINE double SourceBasis::variance(const Eigen::VectorXd& h) const {
  const Eigen::VectorXd row = design_row(h);
  return spread * spread * row.dot(covariance * row);
}

HPO_INLINE Eigen::VectorXd SourceBasis::mean_gradient(Eigen::Index k) const {
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(k);
  for (std::size_t c = 0; c < columns.size(); ++c)
    gradient[columns[c]] = spread * coefficients[static_cast<Eigen::Index>(c) + 1];
  return gradient;
}

HPO_INLINE Eigen::VectorXd SourceBasis::variance_gradient(const Eigen::VectorXd& h) const {
  const Eigen::VectorXd half = covariance * design_row(h);
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(h.size());
  for (std::size_t c = 0; c < columns.size(); ++c)
    gradient[columns[c]] = 2.0 * spread * spread * half[static_cast<Eigen::Index>(c) + 1];
  return gradient;
}

HPO_INLINE Eigen::VectorXd SourceBasis::design_row(const Eigen::VectorXd& h) const {
  Eigen::VectorXd row(static_cast<Eigen::Index>(columns.size()) + 1);
  row[0] = 1.0;
  for (std::size_t c = 0; c < columns.size(); ++c) row[static_cast<Eigen::Index>(c) + 1] = h[columns[c]];
  return row;
}

HPO_INLINE std::vector<bool> select_sources_by_evidence(const Eigen::MatrixXd& covariance, const Eigen::VectorXd& t,
                                                        const Eigen::MatrixXd& features, double prior_scale,
                                                        double min_log_bayes_factor) {
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
