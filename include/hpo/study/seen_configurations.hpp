#pragma once
// The configurations a study already holds, so that an optimizer never proposes one twice.

#include <cstddef>
#include <unordered_set>

#include "hpo/space/config.hpp"
#include "hpo/study/study.hpp"

namespace hpo::detail {

/// Every configuration of a study's trials (whatever their state), indexed as trials arrive:
/// each call of update() looks only at the trials added since the last one. Identity is exact
/// (Config's ==), so two reals that print alike are still two configurations.
/// Usage: `seen.update(study); if (!seen.contains(config)) return config;`
class SeenConfigurations {
 public:
  void update(const Study& study) {
    for (; indexed_ < study.trials().size(); ++indexed_) insert(study.trials()[indexed_].config);
  }
  void insert(const Config& config) { configs_.insert(config); }
  bool contains(const Config& config) const { return configs_.contains(config); }
  void clear() noexcept {
    configs_.clear();
    indexed_ = 0;
  }

 private:
  std::unordered_set<Config, ConfigHash> configs_;
  std::size_t indexed_ = 0;
};

}  // namespace hpo::detail
