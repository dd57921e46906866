#pragma once
// How much each source model is trusted on the target: RGPE's ranking-loss weights.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/space/config.hpp"

namespace hpo::transfer {

/// Options of ranking_weights(); designated initializers follow this order.
struct RankingWeightOptions {
  /// Posterior draws; each draw ranks every model once.
  std::size_t samples = 256;
  std::uint64_t seed = 0;
  /// Weight dilution prevention (Feurer et al. 2018, section 3.3): a source whose median loss
  /// exceeds this quantile of the target model's losses gets weight zero.
  double dilution_quantile = 0.95;
};

/// A model's predictive distribution at the target's observed points: one mean and one variance
/// per observation. For the target model itself this must be its leave-one-out prediction, so that
/// it is not credited for fitting points it has seen.
struct PointPredictions {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
};

namespace detail {

// The observations in ascending order of value, kept across the draws of ranking_weights; runs of
// tied values are remembered because their pairs do not count.
class ValueOrder {
 public:
  explicit ValueOrder(const Eigen::VectorXd& y);

  // Pairs whose order under f disagrees with the values' order: the inversions of f read in the
  // values' order, less those inside runs of tied values. A tie in f counts as misranked when the
  // lower value has the lower index, which is what the pairwise rule of misranked_pairs gives;
  // keys that break ties in f that way make every key distinct. Up to kPairwiseUpTo observations
  // every pair is compared, in blocks of kBlock pairs without branches; beyond, merge sort counts
  // them in O(n log n) (Knight 1966). RGPE's draws rank a few dozen observations thousands of
  // times per ask, and at that size the merge's unpredictable branches cost more than the
  // n^2 / 2 comparisons.
  double misranked(const Eigen::VectorXd& f);

  static constexpr std::size_t kPairwiseUpTo = 128;

 private:
  using Key = std::pair<double, double>;  // (f, minus the index): distinct keys, ordered as the rule asks
  static constexpr std::size_t kBlock = 8;

  // Whether the pair at positions p < q of the values' order is misranked by sorted_.
  bool inverted_pair(std::size_t q, std::size_t p) const {
    return sorted_[q] < sorted_[p] || (sorted_[q] == sorted_[p] && indices_[q] > indices_[p]);
  }
  double count_pairwise() const;
  double count_inversions();

  std::vector<Eigen::Index> order_;
  // order_ as doubles, compared alongside f's doubles; indices_ and sorted_ end in kBlock NaNs,
  // which compare false with everything, so that count_pairwise reads whole blocks past the end.
  std::vector<double> indices_;
  std::vector<std::pair<std::size_t, std::size_t>> ties_;
  std::vector<double> sorted_;  // f in the values' order
  std::vector<Key> keys_, buffer_;
};

}  // namespace detail

/// Number of pairs (j, k), j < k, of observations that `f` orders differently from `y`, that is
/// (f[j] < f[k]) != (y[j] < y[k]); pairs tied in y are skipped. The ranking loss of Feurer, Letham
/// & Bakshy (2018), eq. 4, counted in O(n log n) (pair by pair for a few dozen observations).
HPO_INLINE double misranked_pairs(const Eigen::VectorXd& f, const Eigen::VectorXd& y);

/// Whether `f` orders the values `y` better than chance: Kendall's tau of the pairs (ties in y
/// skipped) against the one-sided test of no association, normal approximation
/// z = 3 tau sqrt(n(n-1)) / sqrt(2(2n+5)) > z_critical (1.645: the 5% level). Few points carry
/// little evidence: with 5 observations only tau > 0.67 (at most 1 of 10 pairs misranked) passes.
/// Usage: `bool related = hpo::transfer::orders_better_than_chance(source_mean, y);`
HPO_INLINE bool orders_better_than_chance(const Eigen::VectorXd& f, const Eigen::VectorXd& y,
                                          double z_critical = 1.645);

/// RGPE weights (Feurer, Letham, Bakshy, "Scalable Meta-Learning for Bayesian Optimization using
/// Ranking-Weighted Gaussian Process Ensembles", AutoML workshop 2018): the weight of a model is the
/// probability that it orders the target's observations best. Each of `samples` draws takes one
/// value per observation from every model's marginal posterior (independently per point: a stated
/// simplification of the paper's joint draws), counts each model's misranked pairs, and gives the
/// draw to the model with the fewest (split evenly on ties). Sources then pass the dilution check.
/// Returns one weight per source followed by the target's weight; they sum to 1. Only the order
/// of values matters, so sources on other scales (another metric, another data size) compare
/// fairly. With fewer than 3 observations no ordering is informative and all weights are equal.
/// Usage: `Eigen::VectorXd w = hpo::transfer::ranking_weights(sources, target_loo, y, {.seed = 1});`
HPO_INLINE Eigen::VectorXd ranking_weights(const std::vector<PointPredictions>& sources, const PointPredictions& target,
                                           const Eigen::VectorXd& observed, const RankingWeightOptions& options = {});

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/ranking_weights.ipp"
#endif
