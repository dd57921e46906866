#pragma once
// Bodies of ranking_weights.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/random.hpp"
#include "hpo/core/statistics.hpp"
#include "hpo/core/stream_salts.hpp"
#include "hpo/transfer/ranking_weights.hpp"

namespace hpo::transfer {

namespace detail {

HPO_INLINE ValueOrder::ValueOrder(const Eigen::VectorXd& y) : order_(static_cast<std::size_t>(y.size())) {
  std::iota(order_.begin(), order_.end(), Eigen::Index{0});
  std::stable_sort(order_.begin(), order_.end(), [&](Eigen::Index a, Eigen::Index b) { return y[a] < y[b]; });
  for (std::size_t start = 0; start < order_.size();) {
    std::size_t end = start + 1;
    while (end < order_.size() && y[order_[end]] == y[order_[start]]) ++end;
    if (end - start > 1) ties_.emplace_back(start, end);
    start = end;
  }
  for (const Eigen::Index index : order_) indices_.push_back(static_cast<double>(index));
  indices_.resize(order_.size() + kBlock, std::numeric_limits<double>::quiet_NaN());
}

HPO_INLINE double ValueOrder::misranked(const Eigen::VectorXd& f) {
  sorted_.resize(order_.size() + kBlock, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t p = 0; p < order_.size(); ++p) sorted_[p] = f[order_[p]];
  const double inverted = order_.size() <= kPairwiseUpTo ? count_pairwise() : count_inversions();
  double tied = 0.0;
  for (const auto& [start, end] : ties_)
    for (std::size_t p = start; p < end; ++p)
      for (std::size_t q = p + 1; q < end; ++q) tied += inverted_pair(q, p) ? 1.0 : 0.0;
  return inverted - tied;
}

HPO_INLINE double ValueOrder::count_pairwise() const {
  // GCC 12 does not vectorize the plain double loop (clang does), which then takes nearly four
  // times as long; with vector types both compilers compare two pairs per instruction on any SSE2
  // machine, and four accumulators hide the additions' latency. The counts stay exact: integers
  // in doubles.
  using Lanes = double __attribute__((vector_size(16)));
  constexpr std::size_t kLanes = 2, kAccumulators = kBlock / kLanes;
  static_assert(kBlock % kLanes == 0);
  const Lanes one = {1.0, 1.0}, zero = {0.0, 0.0};
  Lanes count[kAccumulators] = {};
  const std::size_t n = order_.size();
  const double* value = sorted_.data();
  const double* index = indices_.data();
  for (std::size_t p = 0; p < n; ++p) {
    const Lanes value_p = {value[p], value[p]}, index_p = {index[p], index[p]};
    for (std::size_t q = p + 1; q < n; q += kBlock) {  // the NaN padding ends the last block
      for (std::size_t a = 0; a < kAccumulators; ++a) {
        Lanes value_q, index_q;
        std::memcpy(&value_q, value + q + a * kLanes, sizeof value_q);
        std::memcpy(&index_q, index + q + a * kLanes, sizeof index_q);
        count[a] += (value_q < value_p) | ((value_q == value_p) & (index_q > index_p)) ? one : zero;
      }
    }
  }
  Lanes total = zero;
  for (const Lanes& partial : count) total += partial;
  return total[0] + total[1];
}

HPO_INLINE double ValueOrder::count_inversions() {
  const std::size_t n = order_.size();
  keys_.resize(n);
  for (std::size_t p = 0; p < n; ++p) keys_[p] = {sorted_[p], -indices_[p]};
  buffer_.resize(n);
  double inversions = 0.0;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t low = 0; low < n; low += 2 * width) {
      const std::size_t middle = std::min(low + width, n), high = std::min(low + 2 * width, n);
      std::size_t i = low, j = middle, k = low;
      while (i < middle && j < high) {
        if (keys_[j] < keys_[i]) {
          inversions += static_cast<double>(middle - i);
          buffer_[k++] = keys_[j++];
        } else {
          buffer_[k++] = keys_[i++];
        }
      }
      while (i < middle) buffer_[k++] = keys_[i++];
      while (j < high) buffer_[k++] = keys_[j++];
    }
    keys_.swap(buffer_);
  }
  return inversions;
}

}  // namespace detail

HPO_INLINE double misranked_pairs(const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
  return detail::ValueOrder(y).misranked(f);
}

HPO_INLINE bool orders_better_than_chance(const Eigen::VectorXd& f, const Eigen::VectorXd& y, double z_critical) {
  const Eigen::Index n = y.size();
  if (n < 3) return false;
  double pairs = 0.0;
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index k = j + 1; k < n; ++k) pairs += y[j] != y[k] ? 1.0 : 0.0;
  if (pairs == 0.0) return false;
  const double tau = 1.0 - 2.0 * misranked_pairs(f, y) / pairs;
  const auto m = static_cast<double>(n);
  return 3.0 * tau * std::sqrt(m * (m - 1.0)) / std::sqrt(2.0 * (2.0 * m + 5.0)) > z_critical;
}

HPO_INLINE Eigen::VectorXd ranking_weights(const std::vector<PointPredictions>& sources, const PointPredictions& target,
                                           const Eigen::VectorXd& observed, const RankingWeightOptions& options) {
  const Eigen::Index n = observed.size();
  const std::size_t models = sources.size() + 1;
  const auto check = [&](const PointPredictions& p, const std::string& which) {
    if (p.mean.size() != n || p.variance.size() != n)
      throw std::invalid_argument("hpo::transfer::ranking_weights: " + which + " predicts " +
                                  std::to_string(p.mean.size()) + " points, expected " + std::to_string(n));
  };
  for (std::size_t i = 0; i < sources.size(); ++i) check(sources[i], "source " + std::to_string(i));
  check(target, "the target");
  if (options.samples == 0)
    throw std::invalid_argument("hpo::transfer::ranking_weights: samples must be positive, got 0");
  if (!(options.dilution_quantile >= 0.0 && options.dilution_quantile <= 1.0))
    throw std::invalid_argument("hpo::transfer::ranking_weights: dilution_quantile must be in [0, 1], got " +
                                hpo::detail::format_value(options.dilution_quantile));
  Eigen::VectorXd weights =
      Eigen::VectorXd::Constant(static_cast<Eigen::Index>(models), 1.0 / static_cast<double>(models));
  if (n < 3) return weights;

  std::vector<std::vector<double>> losses(models, std::vector<double>(options.samples));
  detail::ValueOrder order(observed);
  Rng rng(options.seed, hpo::detail::salt::kRankingDraws);
  const auto model = [&](std::size_t m) -> const PointPredictions& { return m < sources.size() ? sources[m] : target; };
  std::vector<Eigen::VectorXd> deviations(models);
  for (std::size_t m = 0; m < models; ++m) deviations[m] = model(m).variance.cwiseMax(0.0).cwiseSqrt();
  Eigen::VectorXd draw(n), normals(n);
  for (std::size_t s = 0; s < options.samples; ++s) {
    for (std::size_t m = 0; m < models; ++m) {
      rng.fill_normal(normals.data(), static_cast<std::size_t>(n));
      draw = model(m).mean + deviations[m].cwiseProduct(normals);
      losses[m][s] = order.misranked(draw);
    }
  }

  // Dilution prevention, then the share of draws each remaining model wins.
  const auto quantile = [](const std::vector<double>& values, double q) {
    return hpo::detail::quantile(values, q, hpo::detail::QuantileRule::Lower);
  };
  const double target_limit = quantile(losses.back(), options.dilution_quantile);
  std::vector<bool> kept(models, true);
  for (std::size_t m = 0; m + 1 < models; ++m) kept[m] = quantile(losses[m], 0.5) <= target_limit;

  weights.setZero();
  for (std::size_t s = 0; s < options.samples; ++s) {
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < models; ++m)
      if (kept[m]) lowest = std::min(lowest, losses[m][s]);
    double winners = 0.0;
    for (std::size_t m = 0; m < models; ++m) winners += kept[m] && losses[m][s] == lowest ? 1.0 : 0.0;
    for (std::size_t m = 0; m < models; ++m)
      if (kept[m] && losses[m][s] == lowest) weights[static_cast<Eigen::Index>(m)] += 1.0 / winners;
  }
  return weights / static_cast<double>(options.samples);
}

}  // namespace hpo::transfer
