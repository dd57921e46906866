#pragma once
// Bayesian optimization's search of the acquisition: score every candidate with one batch
// prediction, then refine the best few by L-BFGS-B over the real coordinates.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/acquisition/selected_acquisition.hpp"
#include "hpo/core/minimize_in_box.hpp"
#include "hpo/gp/model_encoding.hpp"
#include "hpo/optimizers/bayesian/pending_score.hpp"
#include "hpo/transfer/transfer_surrogate.hpp"

namespace hpo::bayesian {

/// Settings of one acquisition search.
struct AcquisitionSearchSettings {
  /// Best candidates refined by L-BFGS-B (BayesianOptions::local_starts).
  std::size_t local_starts = 5;
  /// L-BFGS-B iterations per refinement.
  int max_iterations = 30;
  /// A local step refines within this half-width of the incumbent (in the unit cube); a global
  /// step within the whole cube (1).
  double half_width = 1.0;
  /// The incumbent in the parameters' unit cube.
  Eigen::VectorXd incumbent_u;
  /// While trials are running, what the pending strategy makes of the acquisition (null: the
  /// acquisition itself).
  const PendingScore* pending = nullptr;
};

/// Scores candidates by acquisition plus region log-prior and refines the best, as the acquisition
/// optimizers of the literature do (a quasi-random sweep, then gradient steps from the best
/// points; e.g. BoTorch's optimize_acqf). Not thread-safe; a view of models owned elsewhere.
/// Usage: `for (const auto& p : search.rank(candidates)) { Eigen::VectorXd z = search.model_point(p, candidates); }`
class AcquisitionSearch {
 public:
  AcquisitionSearch(const ModelEncoding& encoding, const transfer::CombinedSurrogate& surrogate,
                    const acquisition::SelectedAcquisition& score, const transfer::RegionPrior& prior,
                    AcquisitionSearchSettings settings)
      : encoding_(encoding), surrogate_(surrogate), score_(score), prior_(prior), settings_(std::move(settings)) {}

  /// A ranked candidate: its index among the unit points, and the model point L-BFGS-B refined it
  /// to (empty when it was not refined: its model point is then the candidate's own).
  struct Proposal {
    std::size_t candidate;
    Eigen::VectorXd refined;
  };

  /// The candidates (unit points), best first: the refined ones, then the others by score. Only
  /// the refined ones carry a model point: an ask usually takes the first, and a model point of a
  /// wide encoding (3,000 categories) costs as much as the candidate's prediction.
  std::vector<Proposal> rank(const std::vector<Eigen::VectorXd>& unit_points) const {
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

  /// The model point of a ranked candidate.
  Eigen::VectorXd model_point(const Proposal& proposal, const std::vector<Eigen::VectorXd>& unit_points) const {
    return proposal.refined.size() > 0 ? proposal.refined : encoding_.from_unit(unit_points[proposal.candidate]);
  }

 private:
  // Acquisition plus region log-prior of every candidate, predicted batch by batch
  // (ModelEncoding::rows_per_batch: a wide encoding would otherwise build huge matrices per ask).
  std::vector<double> scores(const std::vector<Eigen::VectorXd>& unit_points) const {
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
        batch_values[i] =
            score_(batch.mean[static_cast<Eigen::Index>(i)], batch.variance[static_cast<Eigen::Index>(i)]);
      if (settings_.pending) settings_.pending->score(Z, batch_values);
      for (std::size_t i = 0; i < count; ++i)
        values[first + i] = batch_values[i] + prior_.log_value(unit_points[first + i]);
    }
    return values;
  }

  // L-BFGS-B over the real coordinates of z (the others held), within the unit cube, or within the
  // trust box around the incumbent; z and value become the best point it evaluated, if better.
  void refine(Eigen::VectorXd& z, double& value) const {
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

  const ModelEncoding& encoding_;
  const transfer::CombinedSurrogate& surrogate_;
  const acquisition::SelectedAcquisition& score_;
  const transfer::RegionPrior& prior_;
  AcquisitionSearchSettings settings_;
};

}  // namespace hpo::bayesian
