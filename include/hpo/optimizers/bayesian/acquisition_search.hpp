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
/// Usage: `auto ranked = search.rank(candidates); // model points, best first`
class AcquisitionSearch {
 public:
  AcquisitionSearch(const ModelEncoding& encoding, const transfer::CombinedSurrogate& surrogate,
                    const acquisition::SelectedAcquisition& score, const transfer::RegionPrior& prior,
                    AcquisitionSearchSettings settings)
      : encoding_(encoding), surrogate_(surrogate), score_(score), prior_(prior), settings_(std::move(settings)) {}

  /// Model points of the candidates (unit points), best first: the refined ones, then the others
  /// by score.
  std::vector<Eigen::VectorXd> rank(const std::vector<Eigen::VectorXd>& unit_points) const {
    Eigen::MatrixXd Z(static_cast<Eigen::Index>(unit_points.size()), encoding_.width());
    for (std::size_t i = 0; i < unit_points.size(); ++i)
      Z.row(static_cast<Eigen::Index>(i)) = encoding_.from_unit(unit_points[i]).transpose();
    const auto batch = surrogate_.predict(Z);
    std::vector<double> values(unit_points.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = score_(batch.mean[static_cast<Eigen::Index>(i)], batch.variance[static_cast<Eigen::Index>(i)]);
    if (settings_.pending) settings_.pending->score(Z, values);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] += prior_.log_value(unit_points[i]);
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });

    struct Proposal {
      Eigen::VectorXd z;
      double value;
    };
    std::vector<Proposal> proposals;
    const std::size_t starts = std::min(settings_.local_starts, order.size());
    for (std::size_t s = 0; s < starts; ++s) {
      Eigen::VectorXd z = Z.row(static_cast<Eigen::Index>(order[s])).transpose();
      double value = values[order[s]];
      if (!encoding_.continuous().empty()) refine(z, value);
      proposals.push_back({std::move(z), value});
    }
    for (std::size_t s = starts; s < order.size(); ++s)
      proposals.push_back({Z.row(static_cast<Eigen::Index>(order[s])).transpose(), values[order[s]]});
    std::stable_sort(proposals.begin(), proposals.begin() + static_cast<std::ptrdiff_t>(starts),
                     [](const Proposal& a, const Proposal& b) { return a.value > b.value; });
    std::vector<Eigen::VectorXd> ranked;
    ranked.reserve(proposals.size());
    for (auto& proposal : proposals) ranked.push_back(std::move(proposal.z));
    return ranked;
  }

 private:
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
