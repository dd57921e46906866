#pragma once
// The configurations a study already holds, so that an optimizer never proposes one twice.

#include <cstddef>
#include <string>
#include <unordered_set>

#include "hpo/space/config.hpp"
#include "hpo/study/study.hpp"

namespace hpo::detail {

/// Every configuration of a study's trials (whatever their state), indexed as trials arrive:
/// each call of update() looks only at the trials added since the last one.
/// Usage: `seen.update(study); if (!seen.contains(config)) return config;`
class SeenConfigurations {
 public:
  void update(const Study& study) {
    for (; indexed_ < study.trials().size(); ++indexed_) insert(study.trials()[indexed_].config);
  }
  void insert(const Config& config) { keys_.insert(config.to_string()); }
  bool contains(const Config& config) const { return keys_.contains(config.to_string()); }
  void clear() noexcept {
    keys_.clear();
    indexed_ = 0;
  }

 private:
  std::unordered_set<std::string> keys_;
  std::size_t indexed_ = 0;
};

}  // namespace hpo::detail
