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

HPO_INLINE std::vector<bool> select_sources_by_evidence(Eigen::MatrixXd covariance, const Eigen::VectorXd& t,
                                                        const Eigen::MatrixXd& features, double prior_scale,
                                                        double min_log_bayes_factor) {
  const Eigen::Index n = t.size(), k = features.cols();
  if (features.rows() != n)
    throw std::invalid_argument("hpo::transfer::select_sources_by_evidence: one feature row per value is needed");
  std::vector<bool> selected(static_cast<std::size_t>(k), false);
  // Every subset's evidence from one factorization, of C0 = K + s^2 11^T (the GP and the
  // intercept): with V = L0^-1 F and u = L0^-1 t, adding the features S gives, by the matrix
  // determinant lemma and Woodbury, t^T C^-1 t = u^T u - s^2 b^T G^-1 b and
  // log|C| = log|C0| + log|G|, where G = I + s^2 V_S^T V_S and b = V_S^T u are |S| x |S|. A
  // factorization per candidate subset cost O(k^2 n^3) per greedy search; this costs O(n^3 + k n^2).
  const double prior_variance = prior_scale * prior_scale;
  covariance.array() += prior_variance;  // C0, factorized in place: an n × n copy less per refit
  const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(covariance);
  if (llt.info() != Eigen::Success) return selected;
  const Eigen::MatrixXd projected = llt.matrixL().solve(features);
  const Eigen::VectorXd u = llt.matrixL().solve(t);
  const Eigen::MatrixXd gram = projected.transpose() * projected;
  const Eigen::VectorXd cross = projected.transpose() * u;
  const double base_half_log_determinant = llt.matrixLLT().diagonal().array().log().sum();
  const auto log_evidence = [&](const std::vector<bool>& use) {
    std::vector<Eigen::Index> columns;
    for (Eigen::Index i = 0; i < k; ++i)
      if (use[static_cast<std::size_t>(i)]) columns.push_back(i);
    const auto p = static_cast<Eigen::Index>(columns.size());
    const Eigen::MatrixXd g =
        Eigen::MatrixXd::Identity(p, p) + prior_variance * gram(columns, columns);
    const Eigen::LLT<Eigen::MatrixXd> capacitance(g);
    const Eigen::VectorXd b = cross(columns);
    const double explained = prior_variance * b.dot(capacitance.solve(b));
    return -0.5 * (u.squaredNorm() - explained) - base_half_log_determinant -
           capacitance.matrixLLT().diagonal().array().log().sum();
  };
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
