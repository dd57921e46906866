#pragma once
// The lock that lets several processes, on one machine or on many over NFS or Lustre, append to
// one journal: a lock file created with O_CREAT | O_EXCL (atomic on NFSv3 and later, where flock
// and fcntl locks are not dependable), which records its holder, is released by renaming it away
// (atomic on NFS, where unlink is not) and is broken when it has not changed for a grace period.

#include <chrono>
#include <cstring>
#include <string>

#include "hpo/core/linkage.hpp"
#include "hpo/study/journal_options.hpp"

namespace hpo::detail {

/// This machine's name, or "localhost" when the system has none to give.
HPO_INLINE const std::string& host_name();

/// A fresh random 64-bit token, in hex: it tells apart two holders with the same host and pid.
/// Drawn from a generator seeded once per thread and process by std::random_device (whose set-up,
/// done for every token, was the largest single cost of taking the journal's lock: it queries the
/// processor, which a virtual machine traps), reseeded in a child after fork() so that parent and
/// child never share a sequence.
HPO_INLINE std::string random_token();

inline std::string errno_text(int error) { return std::strerror(error); }

/// Holds the lock of a journal for its lifetime (taken in the constructor, released in the
/// destructor). Taking it waits, with a growing pause, while another process holds it; a lock
/// that stays the same for JournalOptions::lock_stale_after seconds is broken (its holder died in
/// the microseconds it holds the lock; two processes that break one stale lock at the same instant
/// can both think they hold the next one: a race this design accepts, as Optuna's does). Any
/// failure other than "held by another" (no permission, a read-only or lock-less file system) is
/// an error naming the lock file and the reason: never a silent fall back to no lock.
/// Usage: `{ detail::JournalLock lock(journal_path, "host:pid", options); ... append ... }`
class JournalLock {
 public:
  JournalLock(const std::string& journal, const std::string& holder, const JournalOptions& options);

  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

  ~JournalLock();

 private:
  static double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

  std::string read_lock() const;

  void break_stale_lock() const;

  std::string path_;
  std::string token_;
};

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/study/impl/journal_lock.ipp"
#endif
