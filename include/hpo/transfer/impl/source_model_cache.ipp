#pragma once
// Bodies of source_model_cache.hpp; see core/linkage.hpp.

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>

#include "hpo/transfer/source_model_cache.hpp"

namespace hpo::transfer {

HPO_INLINE SourceModelCache& SourceModelCache::instance() {
  static SourceModelCache cache;
  return cache;
}

HPO_INLINE std::shared_ptr<const SourceModelCache::Model> SourceModelCache::find(const Key& key) {
  const std::lock_guard lock(mutex_);
  const auto it = models_.find(key);
  if (it == models_.end()) return nullptr;
  ++hits_;
  return it->second;
}

HPO_INLINE std::shared_ptr<const SourceModelCache::Model> SourceModelCache::store(const Key& key, Model model,
                                                                                  Origin origin) {
  const std::lock_guard lock(mutex_);
  ++(origin == Origin::Fitted ? fits_ : loads_);
  if (models_.size() >= capacity_) models_.clear();
  return models_.try_emplace(key, std::make_shared<const Model>(std::move(model))).first->second;
}

HPO_INLINE std::size_t SourceModelCache::fits() const {
  const std::lock_guard lock(mutex_);
  return fits_;
}

HPO_INLINE std::size_t SourceModelCache::loads() const {
  const std::lock_guard lock(mutex_);
  return loads_;
}

HPO_INLINE std::size_t SourceModelCache::hits() const {
  const std::lock_guard lock(mutex_);
  return hits_;
}

HPO_INLINE void SourceModelCache::clear() {
  const std::lock_guard lock(mutex_);
  models_.clear();
  fits_ = loads_ = hits_ = 0;
}

}  // namespace hpo::transfer
