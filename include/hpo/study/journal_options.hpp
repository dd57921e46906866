#pragma once
// How several processes share one journal: heartbeats, lost trials and the lock.

#include <cmath>
#include <stdexcept>
#include <string>

#include "hpo/space/config.hpp"

namespace hpo {

/// Options of a journal that several processes (or machines, over a shared file system) write.
/// Designated initializers follow this order.
/// Usage: `auto study = hpo::Study::open("run.jsonl", space, hpo::Direction::Minimize, {.lost_after = 600});`
struct JournalOptions {
  /// Seconds between the heartbeats a process appends while it has trials running: its sign of
  /// life to the others.
  double heartbeat_interval = 10.0;
  /// A running trial whose process has shown no sign of life (a heartbeat or any other record) for
  /// this many seconds, measured by the noticing process's own clock, is marked failed ("lost: no
  /// heartbeat from HOST:PID since ...") by the first process that notices. A process on the same
  /// host that no longer runs, or that closed the study, is noticed at once. Infinity never marks a
  /// trial lost (for trials asked by a process that exits while others still evaluate them).
  double lost_after = 120.0;
  /// A lock file that has not changed for this many seconds (the lock is held for the microseconds
  /// an append takes) belongs to a process that died while holding it, and is broken.
  double lock_stale_after = 30.0;
  /// Taking the lock fails, with an error naming the journal and the holder, after this many seconds.
  double lock_timeout = 300.0;
};

namespace detail {
/// Throws std::invalid_argument naming the first field out of range, and its value.
inline void validate(const JournalOptions& o) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("hpo::JournalOptions: " + what); };
  if (!(o.heartbeat_interval > 0.0) || !std::isfinite(o.heartbeat_interval))
    fail("heartbeat_interval must be positive and finite, got " + detail::format_value(o.heartbeat_interval));
  if (!(o.lost_after > o.heartbeat_interval))
    fail("lost_after must exceed heartbeat_interval (" + detail::format_value(o.heartbeat_interval) + "), got " +
         detail::format_value(o.lost_after));
  if (!(o.lock_stale_after > 0.0) || !std::isfinite(o.lock_stale_after))
    fail("lock_stale_after must be positive and finite, got " + detail::format_value(o.lock_stale_after));
  if (!(o.lock_timeout > o.lock_stale_after))
    fail("lock_timeout must exceed lock_stale_after (" + detail::format_value(o.lock_stale_after) + "), got " +
         detail::format_value(o.lock_timeout));
}
}  // namespace detail

}  // namespace hpo
