#pragma once
// Source models kept on disk, so that a library's sources are fitted once across processes.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"

namespace hpo::transfer {

/// A folder of fitted source models (WarmStartOptions::source_model_directory): one small JSON file
/// per model, named by the key of SourceModelCache (the source's fingerprint, the kernel and the
/// output transform), holding the model's fitted log-hyperparameters. A source model is its
/// hyperparameters conditioned on the source's trials, so a process that finds the file rebuilds
/// the very model another process fitted (one factorization instead of a fit with restarts), and a
/// journal that changed has another fingerprint, hence another file: a stale model is never read.
/// Files are written whole to a temporary name and renamed into place (atomic on POSIX file
/// systems, NFS included), so that concurrent writers and readers never see half a file; a file
/// that cannot be read or does not match its key is ignored (the model is fitted and the file
/// rewritten). Thread-safe: it holds no state but the folder's path.
/// Usage: `SourceModelStore store("studies/.models"); if (auto theta = store.load(fp, kernel, robust, d + 2)) ...`
class SourceModelStore {
 public:
  explicit SourceModelStore(std::filesystem::path directory) : directory_(std::move(directory)) {}

  /// The log-hyperparameters stored under this key, if a readable file holds `size` finite values.
  std::optional<Eigen::VectorXd> load(std::uint64_t fingerprint, int kernel, bool robust, Eigen::Index size) const;

  /// Stores them under this key, creating the folder if needed. Returns an empty string on
  /// success, else why the file could not be written (a cache that cannot be written costs time,
  /// not results, so the caller reports it and goes on).
  std::string save(std::uint64_t fingerprint, int kernel, bool robust, const Eigen::VectorXd& log_hyperparameters) const;

  /// The file of one key: `source-model-<fingerprint as 16 hex digits>-k<kernel>-<r|p>.json`.
  std::filesystem::path file(std::uint64_t fingerprint, int kernel, bool robust) const;

 private:
  std::filesystem::path directory_;
};

}  // namespace hpo::transfer

#if HPO_BODIES_IN_HEADERS
#include "hpo/transfer/impl/source_model_store.ipp"
#endif
