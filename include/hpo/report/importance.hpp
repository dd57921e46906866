#pragma once
// Parameter importance: how much of the variation of the study's model each parameter explains on
// its own. The report uses functional ANOVA (Hutter, Hoos & Leyton-Brown, "An Efficient Approach
// for Assessing Hyperparameter Importance", ICML 2014) on the posterior mean of the Gaussian process
// it already fits for the contour, where Hutter et al. use a random forest's tree structure: the
// main effect of parameter i is the variance, over x_i, of the mean prediction averaged over all the
// other parameters, divided by the prediction's total variance, with every parameter drawn as the
// search space samples it (uniform on its unit interval). The averages are estimated by Monte
// Carlo, and the bias the Monte-Carlo noise adds to each main effect is subtracted.
//
// Why not PED-ANOVA (Watanabe et al., IJCAI 2023), Optuna's fast alternative: it compares where the
// top trials sit with where all trials sit, so on a Bayesian optimization study of a few dozen
// trials, whose best trials cluster around the incumbent in every coordinate, it calls every
// parameter important; and its speed matters for 10,000 trials, where the model here is fitted to
// a bounded subset anyway. Using the contour's model also keeps the two plots consistent: the
// contour shows the two parameters this ranks first.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/core/random.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_model.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

/// Main effects of the parameters on a study model (see the file comment): `share[i]` of the
/// prediction's variance is explained by parameter i alone, `interactions` by none alone.
/// Empty `share` with `reason` when there is no model or the model is flat.
/// Usage: `if (!importance.share.empty()) std::size_t first = importance.order()[0];`
struct Importance {
  std::vector<double> share;
  double interactions = 0.0;
  std::string reason;
  std::string method;  ///< how it was computed, in a sentence or two
  /// Parameter indices, most important first.
  std::vector<std::size_t> order() const;
};

namespace detail {
// Where parameter p is set on its unit interval to average over it, each with its weight (summing to
// 1): each category's cell, each integer value's cell when there are few, else 16 equal cells.
HPO_INLINE std::vector<std::pair<double, double>> integration_grid(const Parameter& p);

struct MainEffect {
  double variance = 0.0;  // of the averaged prediction over x_i, less the Monte-Carlo bias
  double total = 0.0;     // of all predictions made for it: an estimate of the total variance
};

HPO_INLINE MainEffect main_effect(const StudyModel& model, const Eigen::MatrixXd& base, std::size_t i);
}  // namespace detail

/// Functional-ANOVA main effects on the model's posterior mean, from `samples` random points per
/// grid value (see the file comment). Deterministic for the seed.
/// Usage: `Importance importance = functional_anova(model, options.seed);`
HPO_INLINE Importance functional_anova(const StudyModel& model, std::uint64_t seed, Eigen::Index samples = 128);

/// Horizontal bars of the importances, most important first, with interactions last, in grey.
/// Usage: `html += importance_plot(importance, space, digest.id("importance"));`
HPO_INLINE std::string importance_plot(const Importance& importance, const SearchSpace& space, const std::string& id);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/importance.ipp"
#endif
