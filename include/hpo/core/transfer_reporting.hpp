#pragma once
// The optional protocol by which an optimizer tells the study what its warm start did.

#include <concepts>
#include <optional>

#include <nlohmann/json.hpp>

namespace hpo {

/// An optimizer that reports its transfer: `transfer_report()` returns the warm-start record to
/// keep with the study (its sources, the parts it acts on and, for Bayesian optimization, each
/// source's current weight), or std::nullopt when it runs cold. hpo::Study::ask calls it after
/// every ask of such an optimizer and stores the record when it changed, so that
/// Study::warm_start_record() and the journal show what the transfer did. Every optimizer of the
/// library meets it; a user's own optimizer may.
/// Usage: `static_assert(hpo::ReportsTransfer<hpo::BayesianOptimization>);`
template <class O>
concept ReportsTransfer = requires(const O& optimizer) {
  { optimizer.transfer_report() } -> std::same_as<std::optional<nlohmann::json>>;
};

}  // namespace hpo
