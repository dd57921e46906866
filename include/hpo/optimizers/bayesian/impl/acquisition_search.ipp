#pragma once
// Bodies of acquisition_search.hpp; see core/linkage.hpp.

#include "hpo/optimizers/bayesian/acquisition_search.hpp"

namespace hpo::bayesian {

HPO_INLINE std::vector<AcquisitionSearch::Proposal> AcquisitionSearch::rank(const std::vector<Eigen::VectorXd>& unit_points) const {
  const std::vector<double> values = scores(unit_points);
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });

  std::vector<Proposal> proposals;
  std::vector<double> refined_values;
  const std::size_t starts = std::min(settings_.local_starts, order.size());
  for (std::size_t s = 0; s < starts; ++s) {
    Eigen::VectorXd z = encoding_.from_unit(unit_points[order[s]]);
    double value = values[order[s]];
    if (!encoding_.continuous().empty()) refine(z, value);
    proposals.push_back({order[s], std::move(z)});
    refined_values.push_back(value);
  }
  std::vector<std::size_t> by_value(starts);
  std::iota(by_value.begin(), by_value.end(), 0);
  std::stable_sort(by_value.begin(), by_value.end(),
                   [&](std::size_t a, std::size_t b) { return refined_values[a] > refined_values[b]; });
  std::vector<Proposal> ranked;
  ranked.reserve(order.size());
  for (const std::size_t s : by_value) ranked.push_back(std::move(proposals[s]));
  for (std::size_t s = starts; s < order.size(); ++s) ranked.push_back({order[s], {}});
  return ranked;
}

HPO_INLINE std::vector<double> AcquisitionSearch::scores(const std::vector<Eigen::VectorXd>& unit_points) const {
  std::vector<double> values(unit_points.size());
  const auto batch_size = static_cast<std::size_t>(encoding_.rows_per_batch());
  Eigen::MatrixXd batch_points;
  std::vector<double> batch_values;
  for (std::size_t first = 0; first < unit_points.size(); first += batch_size) {
    const std::size_t count = std::min(batch_size, unit_points.size() - first);
    batch_points.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(encoding_.space().size()));
    for (std::size_t i = 0; i < count; ++i)
      batch_points.row(static_cast<Eigen::Index>(i)) = unit_points[first + i].transpose();
    const Eigen::MatrixXd Z = encoding_.from_unit_rows(batch_points);
    const auto batch = surrogate_.predict(Z);
    batch_values.resize(count);
    for (std::size_t i = 0; i < count; ++i)
      batch_values[i] = score_(batch.mean[static_cast<Eigen::Index>(i)], batch.variance[static_cast<Eigen::Index>(i)]);
    if (settings_.pending) settings_.pending->score(Z, batch_values);
    for (std::size_t i = 0; i < count; ++i)
      values[first + i] = batch_values[i] + prior_.log_value(unit_points[first + i]);
  }
  return values;
}

HPO_INLINE void AcquisitionSearch::refine(Eigen::VectorXd& z, double& value) const {
  const auto& continuous = encoding_.continuous();
  const auto m = static_cast<Eigen::Index>(continuous.size());
  Eigen::VectorXd x(m), lower(m), upper(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    x[k] = z[continuous[static_cast<std::size_t>(k)]];
    lower[k] = 0.0;
    upper[k] = 1.0;
  }
  if (settings_.half_width < 1.0) {
    const auto& reals = encoding_.real_parameters();
    for (Eigen::Index k = 0; k < m; ++k) {
      const double centre = settings_.incumbent_u[reals[static_cast<std::size_t>(k)]];
      lower[k] = std::max(0.0, centre - settings_.half_width);
      upper[k] = std::min(1.0, centre + settings_.half_width);
      x[k] = std::clamp(x[k], lower[k], upper[k]);
    }
  }
  Eigen::VectorXd full = z;
  const hpo::detail::BoxObjective negative_acquisition = [&](const Eigen::VectorXd& xs, Eigen::VectorXd& gradient) {
    for (Eigen::Index k = 0; k < m; ++k) full[continuous[static_cast<std::size_t>(k)]] = xs[k];
    auto a = score_(surrogate_.predict_with_gradient(full));
    if (settings_.pending) settings_.pending->score(full, a);
    for (Eigen::Index k = 0; k < m; ++k) gradient[k] = -a.gradient[continuous[static_cast<std::size_t>(k)]];
    if (prior_.scale > 0.0) {
      // Real parameters keep their unit coordinate in the model, so the prior's gradient with
      // respect to u is its gradient with respect to those model coordinates.
      Eigen::VectorXd prior_gradient = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(encoding_.space().size()));
      a.value += prior_.scale * prior_.warm->region_log_prior(encoding_.to_unit(full), &prior_gradient);
      for (Eigen::Index k = 0; k < m; ++k)
        gradient[k] -= prior_.scale * prior_gradient[encoding_.real_parameters()[static_cast<std::size_t>(k)]];
    }
    return -a.value;
  };
  hpo::detail::BoxSearchSettings search;
  search.solver.max_iterations = settings_.max_iterations;
  search.solver.epsilon = 1e-8;
  search.solver.max_linesearch = 30;
  hpo::detail::BoxSearchBest best;
  hpo::detail::minimize_in_box(negative_acquisition, x, lower, upper, search, best);
  if (best.point.size() == m && -best.value > value) {
    for (Eigen::Index k = 0; k < m; ++k) z[continuous[static_cast<std::size_t>(k)]] = best.point[k];
    value = -best.value;
  }
}

}  // namespace hpo::bayesian
