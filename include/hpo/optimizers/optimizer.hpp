#pragma once
// The one concept every optimizer meets.

#include <concepts>
#include <optional>

#include "hpo/space/config.hpp"

namespace hpo {

class Study;

/// An optimizer proposes the next configuration from everything the study holds: completed,
/// failed and still-running trials. All its knowledge comes from the study, so resuming from a
/// journal, telling results out of order and keeping several trials outstanding all just work.
/// `ask` returns std::nullopt when the optimizer has nothing left to propose (a finished grid).
/// The user-facing ask/tell is hpo::Study::ask(optimizer) and hpo::Study::tell(number, value).
/// Usage: `static_assert(hpo::Optimizer<hpo::RandomSearch>);`
template <class O>
concept Optimizer = requires(O& optimizer, const Study& study) {
  { optimizer.ask(study) } -> std::same_as<std::optional<Config>>;
};

}  // namespace hpo
