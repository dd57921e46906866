#pragma once
// Bayesian optimization's end game on smooth objectives: a local quadratic model around the
// incumbent, minimized within the trust region (BayesianOptions::local_quadratic).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/study/study.hpp"

namespace hpo::bayesian {

/// The minimizer, within `half_width` of the incumbent (unit cube), of a quadratic fitted by least
/// squares to the completed trials nearest the incumbent, on their raw values: the local model of
/// Powell's trust-region methods (NEWUOA, 2004), as dlib's global_function_search alternates it with
/// its global steps. A GP with a noise floor cannot resolve differences far below its output scale;
/// a quadratic on the raw values converges to the precision of the values themselves. It uses the
/// 1.5 (d+1)(d+2)/2 trials nearest the incumbent (the model's coefficients, half as many again so
/// that one badly placed point does not decide it), and only once they all lie within the trust
/// region: a quadratic is trusted where its points are, so that early on, or on a rugged objective
/// whose local steps stay spread, the GP keeps the local steps. nullopt then, for a space with
/// other than real parameters, and when the model predicts no improvement (the incumbent is its
/// minimizer, or the points determine no quadratic). Pure function of the study; thread-safe.
/// Usage: `if (auto u = hpo::bayesian::quadratic_step(study, incumbent_u, 0.05)) config = space.from_unit(*u);`
HPO_INLINE std::optional<Eigen::VectorXd> quadratic_step(const Study& study, const Eigen::VectorXd& incumbent_u,
                                                         double half_width);

}  // namespace hpo::bayesian

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/bayesian/impl/quadratic_step.ipp"
#endif
