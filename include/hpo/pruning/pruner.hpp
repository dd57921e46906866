#pragma once
// What a pruner is (the hpo::Pruner concept), what it decides from (hpo::PruningContext), the
// type-erased holder hpo::RunOptions::pruner takes (hpo::AnyPruner), and the exception an
// objective throws to stop a trial (hpo::TrialPruned).

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hpo/core/direction.hpp"
#include "hpo/core/linkage.hpp"
#include "hpo/study/trial.hpp"

namespace hpo {

/// Thrown by an objective to stop its trial early: the trial is recorded as pruned (its last
/// reported value and every intermediate value kept), not as failed.
/// Usage: `if (reporter.should_prune()) throw hpo::TrialPruned();`
class TrialPruned : public std::runtime_error {
 public:
  TrialPruned() : std::runtime_error("trial pruned") {}
  explicit TrialPruned(const std::string& why) : std::runtime_error(why) {}
};

/// What a pruner decides from: every trial of the study by number (this process's, other threads'
/// and, with a journal, other processes' as last read; running ones with the curves reported so
/// far), which of them asks, and the direction. The asking trial is running and has reported at
/// least one value.
/// Usage: `bool should_prune(const hpo::PruningContext& c) const { return c.last_value() > 1.0; }`
struct PruningContext {
  std::span<const Trial> trials;
  std::size_t number = 0;
  Direction direction = Direction::Minimize;

  const Trial& trial() const { return trials[number]; }
  /// The asking trial's last reported step and value (steps never decrease).
  std::int64_t last_step() const { return trial().intermediate.rbegin()->first; }
  double last_value() const { return trial().intermediate.rbegin()->second; }
  /// True when `a` is strictly better than `b` in the study's direction.
  bool better(double a, double b) const noexcept {
    return lower_is_better(a, direction) < lower_is_better(b, direction);
  }
};

/// A pruner: decides from a PruningContext whether the asking trial should stop now. It is called
/// after a report, from any thread but one call at a time; the library's pruners keep no state and
/// decide from the context alone, which is what makes their decisions the same after a resume and
/// across processes sharing a journal. A user's pruner should do the same.
/// Usage: `struct Threshold { double limit; bool should_prune(const hpo::PruningContext& c) const {
///           return c.last_value() > limit; } };  static_assert(hpo::Pruner<Threshold>);`
template <class P>
concept Pruner = std::copy_constructible<P> && requires(const P& pruner, const PruningContext& context) {
  { pruner.should_prune(context) } -> std::convertible_to<bool>;
};

namespace detail {
// A pruner's optional `validate()`: called when it is put into an AnyPruner, so that options out of
// range are an error before the first trial runs.
template <class P>
void validate_pruner(const P& pruner) {
  if constexpr (requires { pruner.validate(); }) pruner.validate();
}
}  // namespace detail

/// Any hpo::Pruner, or none (the default: no trial is pruned). What hpo::RunOptions::pruner and
/// Study::set_pruner take, so that `.pruner = hpo::SuccessiveHalvingPruner{...}` compiles. The
/// pruner's options are validated here (std::invalid_argument naming the field and its value).
/// Usage: `hpo::AnyPruner pruner = hpo::MedianPruner{.warmup_steps = 5};`
class AnyPruner {
 public:
  AnyPruner() = default;
  // The same_as test comes first: it keeps the copy constructor's own check of Pruner<AnyPruner>
  // (copy_constructible) from recursing into this constructor.
  template <class P>
  requires(!std::same_as<std::remove_cvref_t<P>, AnyPruner>) &&
      Pruner<std::remove_cvref_t<P>> AnyPruner(
          P&& pruner)  // NOLINT: implicit on purpose, for designated initializers of RunOptions
      : held_(make(std::forward<P>(pruner))) {}

  /// False when no pruner is held.
  explicit operator bool() const noexcept { return held_ != nullptr; }
  /// The held pruner's decision; false when none is held.
  bool should_prune(const PruningContext& context) const { return held_ && held_->should_prune(context); }

 private:
  struct Held {
    virtual ~Held() = default;
    virtual bool should_prune(const PruningContext& context) const = 0;
  };
  template <class P>
  struct Holder final : Held {
    explicit Holder(P p) : pruner(std::move(p)) {}
    bool should_prune(const PruningContext& context) const override {
      return static_cast<bool>(pruner.should_prune(context));
    }
    P pruner;
  };
  template <class P>
  static std::shared_ptr<const Held> make(P&& pruner) {
    using Plain = std::remove_cvref_t<P>;
    detail::validate_pruner(pruner);
    return std::make_shared<const Holder<Plain>>(Plain(std::forward<P>(pruner)));
  }

  std::shared_ptr<const Held> held_;  // immutable once made, so copies may share it across threads
};

namespace detail {
/// The value of `trial` at its first reported step at or after `step`, if it reported one.
HPO_INLINE std::optional<double> value_from(const Trial& trial, std::int64_t step);

/// The p-th percentile (0..100) of `values` in the lower-is-better orientation, by linear
/// interpolation between order statistics (numpy's default, which Optuna uses). `values` not empty.
HPO_INLINE double percentile(std::vector<double> values, double p);
}  // namespace detail

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/pruning/impl/pruner.ipp"
#endif
