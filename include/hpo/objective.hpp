#pragma once
// What an objective is: any callable from a configuration to a value (and maybe a gradient).

#include <concepts>
#include <type_traits>

#include "hpo/core/direction.hpp"
#include "hpo/core/evaluation.hpp"
#include "hpo/space/config.hpp"

namespace hpo {

class Reporter;  // hpo/pruning/reporter.hpp

/// A result an objective may return: something convertible to double, or an hpo::Evaluation.
template <class R>
concept ObjectiveResult = std::convertible_to<R, double> || std::same_as<std::remove_cvref_t<R>, Evaluation>;

/// Any callable taking `const hpo::Config&` and returning a double (or an hpo::Evaluation).
/// Usage: `static_assert(hpo::Objective<decltype(f)>);`
template <class F>
concept Objective = std::invocable<F&, const Config&> && ObjectiveResult<std::invoke_result_t<F&, const Config&>>;

/// An objective that reports intermediate values and may be pruned: callable as
/// `f(const hpo::Config&, hpo::Reporter&)` (see hpo::Reporter).
/// Usage: `static_assert(hpo::ReportingObjective<decltype(train)>);`
template <class F>
concept ReportingObjective =
    std::invocable<F&, const Config&, Reporter&> && ObjectiveResult<std::invoke_result_t<F&, const Config&, Reporter&>>;

namespace detail {
template <class R>
Evaluation to_evaluation(R&& result) {
  if constexpr (std::same_as<std::remove_cvref_t<R>, Evaluation>)
    return std::forward<R>(result);
  else
    return Evaluation{.value = static_cast<double>(result), .gradient = {}};
}
}  // namespace detail

}  // namespace hpo
