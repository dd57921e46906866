#pragma once
// Source models fitted once per library, shared by every optimizer in the process.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "hpo/core/linkage.hpp"
#include "hpo/gp/gaussian_process.hpp"

namespace hpo::transfer {

/// A process-wide cache of the sources' fitted Gaussian processes, keyed by the source's
/// fingerprint (WarmStart::Source::fingerprint: its matched trials and the target space), the
/// kernel and the output transform. A source model depends on nothing else (its fitting seed is
/// drawn from the fingerprint), so every target, seed and copy of a warm start built from the same
/// journals reuses it, and a journal that changed (a trial more, a value edited) has another
/// fingerprint and is fitted afresh: a stale model is never served. Bounded: when it holds
/// `capacity` models it is emptied (a library of 100 sources for a few targets fits well within).
/// Thread-safe (one mutex; fitting happens outside it, so two threads may both fit a model the
/// first time, and the first stored wins).
/// Usage: `auto& cache = hpo::transfer::SourceModelCache::instance(); cache.fits();`
class SourceModelCache {
 public:
  using Model = gp::SelectedGaussianProcess;
  struct Key {
    std::uint64_t fingerprint;
    int kernel;
    bool robust;
    bool operator<(const Key& o) const {
      return std::tie(fingerprint, kernel, robust) < std::tie(o.fingerprint, o.kernel, o.robust);
    }
  };

  static SourceModelCache& instance();

  std::shared_ptr<const Model> find(const Key& key);

  /// Where a stored model came from: fitted in this process, or rebuilt from the fitted
  /// hyperparameters in a model directory (SourceModelStore).
  enum class Origin { Fitted, Loaded };

  std::shared_ptr<const Model> store(const Key& key, Model model, Origin origin = Origin::Fitted);

  /// Models fitted, models rebuilt from a model directory and models served from the cache since
  /// the process started (or clear()).
  std::size_t fits() const;
  std::size_t loads() const;
  std::size_t hits() const;
  void clear();

 private:
  SourceModelCache() = default;
  mutable std::mutex mutex_;
  std::map<Key, std::shared_ptr<const Model>> models_;
  std::size_t capacity_ = 4096;
  std::size_t fits_ = 0, loads_ = 0, hits_ = 0;
};

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/source_model_cache.ipp"
#endif
