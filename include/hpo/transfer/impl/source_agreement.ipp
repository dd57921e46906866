#pragma once
// Bodies of source_agreement.hpp; see core/linkage.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/statistics.hpp"
#include "hpo/transfer/ranking_weights.hpp"
#include "hpo/transfer/source_agreement.hpp"

namespace hpo::transfer {

namespace detail {

HPO_INLINE Eigen::VectorXd shepard_predict(const Eigen::MatrixXd& points, const Eigen::VectorXd& values,
                                           const Eigen::MatrixXd& at, std::size_t neighbours) {
  const Eigen::Index n = points.rows();
  const auto k = static_cast<Eigen::Index>(std::min<std::size_t>(neighbours, static_cast<std::size_t>(n)));
  Eigen::VectorXd out(at.rows());
  std::vector<std::pair<double, Eigen::Index>> distances(static_cast<std::size_t>(n));
  for (Eigen::Index r = 0; r < at.rows(); ++r) {
    for (Eigen::Index i = 0; i < n; ++i)
      distances[static_cast<std::size_t>(i)] = {(points.row(i) - at.row(r)).squaredNorm(), i};
    std::partial_sort(distances.begin(), distances.begin() + k, distances.end());
    double sum = 0.0, weight = 0.0;
    if (distances[0].first < 1e-24) {
      for (Eigen::Index i = 0; i < k && distances[static_cast<std::size_t>(i)].first < 1e-24; ++i)
        sum += values[distances[static_cast<std::size_t>(i)].second], weight += 1.0;
    } else {
      for (Eigen::Index i = 0; i < k; ++i) {
        const double w = 1.0 / distances[static_cast<std::size_t>(i)].first;
        sum += w * values[distances[static_cast<std::size_t>(i)].second];
        weight += w;
      }
    }
    out[r] = sum / weight;
  }
  return out;
}

HPO_INLINE double kendall_tau(const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
  std::vector<double> sorted(y.data(), y.data() + y.size());
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<double>(y.size());
  double pairs = 0.5 * n * (n - 1.0);
  for (std::size_t start = 0; start < sorted.size();) {
    std::size_t end = start + 1;
    while (end < sorted.size() && sorted[end] == sorted[start]) ++end;
    const auto run = static_cast<double>(end - start);
    pairs -= 0.5 * run * (run - 1.0);
    start = end;
  }
  return pairs > 0.0 ? 1.0 - 2.0 * misranked_pairs(f, y) / pairs : 0.0;
}

HPO_INLINE std::size_t find_root(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace detail

HPO_INLINE SourceAgreement source_agreement(const std::vector<Eigen::MatrixXd>& points,
                                            const std::vector<Eigen::VectorXd>& values, double alpha) {
  const std::size_t k = points.size();
  if (values.size() != k)
    throw std::invalid_argument("hpo::transfer::source_agreement: " + std::to_string(points.size()) +
                                " point sets but " + std::to_string(values.size()) + " value sets");
  if (!(alpha > 0.0 && alpha < 1.0))
    throw std::invalid_argument("hpo::transfer::source_agreement: alpha must be in (0, 1), got " +
                                hpo::detail::format_value(alpha));
  for (std::size_t i = 0; i < k; ++i)
    if (points[i].rows() != values[i].size() || points[i].rows() == 0)
      throw std::invalid_argument("hpo::transfer::source_agreement: source " + std::to_string(i) +
                                  " needs one value per point and at least one point");
  SourceAgreement result;
  const auto K = static_cast<Eigen::Index>(k);
  Eigen::MatrixXd directed = Eigen::MatrixXd::Identity(K, K);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j)
      if (i != j)
        directed(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
            detail::kendall_tau(detail::shepard_predict(points[i], values[i], points[j]), values[j]);
  result.tau = 0.5 * (directed + directed.transpose());

  const double comparisons = std::max(1.0, 0.5 * static_cast<double>(k) * (static_cast<double>(k) - 1.0));
  const double critical = hpo::detail::normal_quantile(1.0 - alpha / comparisons);
  std::vector<std::size_t> parent(k);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  result.support.assign(k, 0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      const auto m = static_cast<double>(std::min(points[i].rows(), points[j].rows()));
      if (m < 3.0) continue;
      const double tau = result.tau(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      const double z = 3.0 * tau * std::sqrt(m * (m - 1.0)) / std::sqrt(2.0 * (2.0 * m + 5.0));
      if (!(z > critical)) continue;
      ++result.support[i];
      ++result.support[j];
      parent[detail::find_root(parent, i)] = detail::find_root(parent, j);
    }
  }
  // Clusters numbered by size, largest first; ties by their lowest member, so the numbering is
  // deterministic and independent of the union order.
  std::vector<std::size_t> root(k), size(k, 0), first(k, k);
  for (std::size_t i = 0; i < k; ++i) {
    root[i] = detail::find_root(parent, i);
    ++size[root[i]];
    first[root[i]] = std::min(first[root[i]], i);
  }
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < k; ++i)
    if (root[i] == i) roots.push_back(i);
  std::sort(roots.begin(), roots.end(),
            [&](std::size_t a, std::size_t b) { return size[a] != size[b] ? size[a] > size[b] : first[a] < first[b]; });
  std::vector<std::size_t> number(k, 0);
  for (std::size_t c = 0; c < roots.size(); ++c) number[roots[c]] = c;
  result.cluster.resize(k);
  for (std::size_t i = 0; i < k; ++i) result.cluster[i] = number[root[i]];
  return result;
}

}  // namespace hpo::transfer
