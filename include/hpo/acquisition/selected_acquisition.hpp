#pragma once
// The acquisition function an optimizer is configured with, chosen at run time.

#include <Eigen/Core>

#include "hpo/acquisition/log_expected_improvement.hpp"
#include "hpo/acquisition/probability_of_improvement.hpp"
#include "hpo/acquisition/upper_confidence_bound.hpp"

namespace hpo {

/// Which acquisition function picks the next point.
enum class Acquisition { LogExpectedImprovement, UpperConfidenceBound, ProbabilityOfImprovement };

namespace acquisition {

/// The acquisition named by an hpo::Acquisition, at the current state of a minimization: the best
/// value so far (for expected improvement and probability of improvement) and UCB's beta. To be
/// maximized, as every acquisition here.
/// Usage: `hpo::acquisition::SelectedAcquisition score{hpo::Acquisition::LogExpectedImprovement, best, 4.0}; double a =
/// score(mean, variance);`
struct SelectedAcquisition {
  Acquisition kind = Acquisition::LogExpectedImprovement;
  double best = 0.0;
  double beta = 4.0;

  double operator()(double mean, double variance) const {
    switch (kind) {
      case Acquisition::UpperConfidenceBound:
        return UpperConfidenceBound{beta}(mean, variance);
      case Acquisition::ProbabilityOfImprovement:
        return LogProbabilityOfImprovement{best}(mean, variance);
      default:
        return LogExpectedImprovement{best}(mean, variance);
    }
  }

  template <PosteriorWithGradient P>
  AcquisitionValue operator()(const P& posterior) const {
    switch (kind) {
      case Acquisition::UpperConfidenceBound:
        return UpperConfidenceBound{beta}(posterior);
      case Acquisition::ProbabilityOfImprovement:
        return LogProbabilityOfImprovement{best}(posterior);
      default:
        return LogExpectedImprovement{best}(posterior);
    }
  }
};

}  // namespace acquisition
}  // namespace hpo
