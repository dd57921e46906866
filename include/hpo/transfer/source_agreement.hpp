#pragma once
// Which source studies tell the same story: their pairwise agreement and clusters, before the
// target has a single observation.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/transfer/ranking_weights.hpp"

namespace hpo::transfer {

/// Pairwise agreement of source studies and the clusters it links them into: what
/// source_agreement() returns (see there for the method). A plain value; thread-safe to read.
/// Usage: `auto a = hpo::transfer::source_agreement(points, values); std::size_t c = a.cluster[0];`
struct SourceAgreement {
  /// tau(i, j): Kendall's tau of source j's values against source i's surface (a nearest-neighbour
  /// interpolation of i's trials) at j's configurations, averaged with tau(j, i); 1 on the diagonal.
  Eigen::MatrixXd tau;
  /// Per source: its cluster, numbered by size (0 = the largest; ties by lowest member).
  std::vector<std::size_t> cluster;
  /// Per source: how many other sources it is linked to (agrees with significantly).
  std::vector<std::size_t> support;
};

namespace detail {

// Inverse-squared-distance interpolation (Shepard 1968) from the `neighbours` nearest points: needs
// no fitting, so that every pair of 100 sources costs microseconds, and only the order of its
// predictions is used.
HPO_INLINE Eigen::VectorXd shepard_predict(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                           const Eigen::MatrixXd& at, std::size_t neighbours = 8);

// Kendall's tau of f against y, pairs tied in y skipped; 0 when every pair is tied.
HPO_INLINE double kendall_tau(const Eigen::VectorXd& f, const Eigen::VectorXd& y);

HPO_INLINE std::size_t find_root(std::vector<std::size_t>& parent, std::size_t i);

}  // namespace detail

/// How much source studies agree with each other, from their trials alone: for every pair, the
/// rank correlation (Kendall's tau) between one source's values and the other's surface at the same
/// configurations, both ways, averaged. Two sources are linked when that agreement is positive and
/// significant at level `alpha` after a Bonferroni correction over the k(k-1)/2 pairs (normal
/// approximation of tau's null distribution with the smaller source's size), so that among 40
/// unrelated sources chance links are rare; linked sources form clusters (connected components).
/// This is the "sources that agree with many others" signal of issue 19: a source that agrees with
/// many is more likely to agree with a related target, and initial points spread over clusters hedge
/// between the families a library holds (in the spirit of Feurer et al. 2015's meta-feature
/// similarity, with the studies' own responses as the only features a generic library has).
/// points[i]: source i's configurations in the target's unit cube (one per row); values[i]: its
/// values, lower is better. Thread-safe (pure). Cost O(k^2 m^2 d) for k sources of m points.
/// Usage: `auto agreement = hpo::transfer::source_agreement(points, values);`
HPO_INLINE SourceAgreement source_agreement(const std::vector<Eigen::MatrixXd>& points,
                                            const std::vector<Eigen::VectorXd>& values, double alpha = 0.05);

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/source_agreement.ipp"
#endif
