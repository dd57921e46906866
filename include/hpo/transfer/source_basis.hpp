#pragma once
// The target's values as a linear combination of the sources' surrogate means.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

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
                         const std::vector<bool>& use = {});

  /// Means and variances at many points at once: row r of h holds point r's k source means.
  struct Prediction {
    Eigen::VectorXd mean;
    Eigen::VectorXd variance;
  };
  Prediction predict(const Eigen::MatrixXd& h) const;

  /// The mean in the target's units at a point whose source means are h (all k of them).
  double mean(const Eigen::VectorXd& h) const { return offset + spread * coefficients.dot(design_row(h)); }

  /// The variance of that mean (the coefficients' uncertainty), in the target's units.
  double variance(const Eigen::VectorXd& h) const;

  /// d mean / d h_i and d variance / d h_i (k entries, zero for sources left out), for the chain
  /// rule through the sources' gradients.
  Eigen::VectorXd mean_gradient(Eigen::Index k) const;
  Eigen::VectorXd variance_gradient(const Eigen::VectorXd& h) const;

 private:
  Eigen::VectorXd design_row(const Eigen::VectorXd& h) const;
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
HPO_INLINE std::vector<bool> select_sources_by_evidence(Eigen::MatrixXd covariance, const Eigen::VectorXd& t,
                                                        const Eigen::MatrixXd& features, double prior_scale,
                                                        double min_log_bayes_factor = std::log(3.0));

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/source_basis.ipp"
#endif
