#pragma once
// The library's one smooth inner optimizer: box-constrained L-BFGS-B (LBFGS++, after Byrd, Lu,
// Nocedal & Zhu 1995) that keeps the best point it evaluated. Both the Gaussian process's
// hyperparameter fit and the acquisition search use it.

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include <Eigen/Core>
#include <LBFGSpp/Param.h>

#include "hpo/core/linkage.hpp"

namespace hpo::detail {

/// Thrown by an objective (or by minimize_in_box itself) to end a run early; the run keeps the
/// best point evaluated so far.
struct StopBoxSearch {};

/// Settings of one run: LBFGS++'s own parameters, and a cap on objective evaluations (0: none).
struct BoxSearchSettings {
  LBFGSpp::LBFGSBParam<double> solver{};
  int max_evaluations = 0;
};

/// A smooth function to minimize: its value at x, with its gradient written into `gradient`.
/// Type-erased, so that a program instantiates L-BFGS-B once whatever it minimizes (the cost of
/// the indirection is nothing beside an evaluation's).
using BoxObjective = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)>;

/// The best point evaluated over one or several runs of minimize_in_box.
struct BoxSearchBest {
  Eigen::VectorXd point;
  double value = std::numeric_limits<double>::infinity();
};

/// Minimizes objective(x, gradient) -> value over lower <= x <= upper from `start` (clamped into the
/// box), updating `best` with every better evaluation. A run ends at LBFGS++'s convergence tests,
/// at a non-finite value or gradient, at the evaluation cap, or when the objective throws
/// StopBoxSearch; LBFGS++ also throws on line-search failures, which leave its own iterate
/// undefined: that is why the best point is kept here, whatever ends the run.
/// Usage: `detail::BoxSearchBest best; detail::minimize_in_box(f, x0, lo, hi, settings, best);`
HPO_INLINE void minimize_in_box(const BoxObjective& objective, Eigen::VectorXd start, const Eigen::VectorXd& lower,
                                const Eigen::VectorXd& upper, const BoxSearchSettings& settings, BoxSearchBest& best);

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/core/impl/minimize_in_box.ipp"
#endif
