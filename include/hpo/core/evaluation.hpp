#pragma once
// What one evaluation of the objective yields: a value and, optionally, its gradient.

#include <Eigen/Core>

namespace hpo {

/// What an objective may return instead of a plain value: the value and, optionally, its
/// gradient d value / d parameter in the user's units, one entry per real parameter in the order
/// they were added to the space (empty when unknown).
/// Usage: `return hpo::Evaluation{.value = loss, .gradient = grad};`
struct Evaluation {
  double value = 0.0;
  Eigen::VectorXd gradient{};
};

}  // namespace hpo
