#pragma once
// What an objective is: any callable from a configuration to a value (and maybe a gradient).

#include <concepts>
#include <type_traits>

#include <Eigen/Core>

#include "hpo/space/config.hpp"

namespace hpo {

/// Whether an objective is minimized (the default) or maximized.
enum class Direction { Minimize, Maximize };

/// What an objective may return instead of a plain value: the value and, optionally, its
/// gradient d value / d parameter in the user's units, one entry per real parameter in the order
/// they were added to the space (empty when unknown).
/// Usage: `return hpo::Evaluation{.value = loss, .gradient = grad};`
struct Evaluation {
  double value = 0.0;
  Eigen::VectorXd gradient{};
};

/// A result an objective may return: something convertible to double, or an hpo::Evaluation.
template <class R>
concept ObjectiveResult = std::convertible_to<R, double> || std::same_as<std::remove_cvref_t<R>, Evaluation>;

/// Any callable taking `const hpo::Config&` and returning a double (or an hpo::Evaluation).
/// Usage: `static_assert(hpo::Objective<decltype(f)>);`
template <class F>
concept Objective = std::invocable<F&, const Config&> && ObjectiveResult<std::invoke_result_t<F&, const Config&>>;

namespace detail {
template <class R>
Evaluation to_evaluation(R&& result) {
  if constexpr (std::same_as<std::remove_cvref_t<R>, Evaluation>) return std::forward<R>(result);
  else return Evaluation{.value = static_cast<double>(result), .gradient = {}};
}
}  // namespace detail

}  // namespace hpo
