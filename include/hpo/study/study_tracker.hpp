#pragma once
// How an optimizer that caches what it learned from a study (a model, a cursor, the configurations
// seen) knows that the study it is asked about is still that study.

#include <cstddef>
#include <cstdint>

#include "hpo/study/study.hpp"

namespace hpo::detail {

/// Follows one study across asks. A study is recognized by Study::id(), which no other study of
/// the process shares (an address can be reused by a new study; an id cannot), and is followed as
/// long as it has not lost trials since the last ask; a copy or a moved study is the same study.
/// Usage: `if (!tracker_.follows(study)) reset(study);`
class StudyTracker {
 public:
  /// True when `study` is the one followed and holds at least the trials it held at the last call;
  /// otherwise it starts following `study` and returns false, so that the caller starts over.
  bool follows(const Study& study) noexcept {
    const bool same = id_ == study.id() && study.trials().size() >= trials_;
    id_ = study.id();
    trials_ = study.trials().size();
    return same;
  }

  /// Forgets the study: the next call of follows() returns false.
  void reset() noexcept {
    id_ = 0;
    trials_ = 0;
  }

 private:
  std::uint64_t id_ = 0;  // Study ids start at 1
  std::size_t trials_ = 0;
};

}  // namespace hpo::detail
