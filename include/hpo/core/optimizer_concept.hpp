#pragma once
// The one concept every optimizer meets. It lives in core/ so that the study can ask an
// optimizer without depending on any optimizer's header.

#include <concepts>
#include <optional>

namespace hpo {

// Declared, not defined, here: core/ is the bottom layer; a program that checks the concept has
// both definitions (hpo/space/config.hpp, hpo/study/study.hpp).
class Config;
class Study;

/// An optimizer proposes the next configuration from everything the study holds: completed,
/// failed and still-running trials. All its knowledge comes from the study, so resuming from a
/// journal, telling results out of order and keeping several trials outstanding all just work.
/// `ask` returns std::nullopt when the optimizer has nothing to propose now: a finished grid, or
/// gradient descent waiting for its outstanding probes (with trials still running, the run waits
/// for one of them and asks again).
/// The user-facing ask/tell is hpo::Study::ask(optimizer) and hpo::Study::tell(number, value).
/// Usage: `static_assert(hpo::Optimizer<hpo::RandomSearch>);`
template <class O>
concept Optimizer = requires(O& optimizer, const Study& study) {
  { optimizer.ask(study) } -> std::same_as<std::optional<Config>>;
};

}  // namespace hpo
