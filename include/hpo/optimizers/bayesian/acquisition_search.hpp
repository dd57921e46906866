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
#include "hpo/core/linkage.hpp"
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
  std::vector<Proposal> rank(const std::vector<Eigen::VectorXd>& unit_points) const;

  /// The model point of a ranked candidate.
  Eigen::VectorXd model_point(const Proposal& proposal, const std::vector<Eigen::VectorXd>& unit_points) const {
    return proposal.refined.size() > 0 ? proposal.refined : encoding_.from_unit(unit_points[proposal.candidate]);
  }

 private:
  // Acquisition plus region log-prior of every candidate, predicted batch by batch
  // (ModelEncoding::rows_per_batch: a wide encoding would otherwise build huge matrices per ask).
  std::vector<double> scores(const std::vector<Eigen::VectorXd>& unit_points) const;

  // L-BFGS-B over the real coordinates of z (the others held), within the unit cube, or within the
  // trust box around the incumbent; z and value become the best point it evaluated, if better.
  void refine(Eigen::VectorXd& z, double& value) const;

  const ModelEncoding& encoding_;
  const transfer::CombinedSurrogate& surrogate_;
  const acquisition::SelectedAcquisition& score_;
  const transfer::RegionPrior& prior_;
  AcquisitionSearchSettings settings_;
};

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/acquisition_search.ipp"
#endif
