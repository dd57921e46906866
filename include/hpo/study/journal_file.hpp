#pragma once
// The journal as a file shared by several writers: a reader that takes only the complete lines
// appended since its last read, and a writer that appends whole lines under the journal's lock
// and keeps a heartbeat going while its process has trials running.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hpo/core/linkage.hpp"
#include "hpo/study/journal.hpp"
#include "hpo/study/journal_lock.hpp"
#include "hpo/study/journal_options.hpp"

namespace hpo::detail {

/// An open file descriptor, closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

/// One line of a journal, with its 1-based number in the file.
struct JournalLine {
  std::size_t number = 0;
  std::string text;
};

/// Reads a journal's lines incrementally: each read() returns the complete lines appended since
/// the last one (a last line without its newline is being written, or was left by a writer that
/// died: it stays for later). Each read opens the file afresh, which is what NFS's close-to-open
/// consistency needs to show other machines' appends. Blank lines are skipped.
/// Not thread-safe.
/// Usage: `for (auto& line : reader.read()) apply(line);`
class JournalReader {
 public:
  explicit JournalReader(std::string path) : path_(std::move(path)) {}

  /// The new complete lines; with `to_end`, also a last line without its newline (a file read once).
  std::vector<JournalLine> read(bool to_end = false);

  /// The lines of `bytes` (whole lines, each with its newline) when they were written at `at`,
  /// the offset this reader has read up to: as read() would return them once they are in the
  /// file, without reading the file. Nullopt, and nothing consumed, when `at` is elsewhere (other
  /// lines came before them, or a repaired line this reader has not consumed): read() then.
  std::optional<std::vector<JournalLine>> accept(std::string_view bytes, std::uintmax_t at);

  const std::string& path() const noexcept { return path_; }
  /// Bytes consumed: the end of the last complete line read.
  std::uintmax_t offset() const noexcept { return offset_; }

 private:
  std::vector<JournalLine> split(std::string_view bytes, bool to_end);

  std::string path_;
  std::uintmax_t offset_ = 0;
  std::size_t line_number_ = 0;
};

/// The sessions of this process whose writer is alive: a trial of this process's other sessions
/// will not finish (their study is gone), even though the process runs.
class LiveSessions {
 public:
  static void add(const std::string& session);
  static void remove(const std::string& session);
  static bool contains(const std::string& session);

 private:
  static std::mutex& mutex();
  static std::set<std::string>& sessions();
};

/// Appends to a journal for one session (a process's open study): whole lines, under the
/// journal's lock (JournalLock), in one write() at the end of the file as it is while the lock is
/// held, after repairing what a writer that died mid-write left at the end. While the session has
/// trials running, a background thread appends a heartbeat every JournalOptions::heartbeat_interval
/// seconds; when the writer goes (the last copy of its study), a "close" line tells the others
/// that its running trials will not finish. Thread-safe: the study's thread and the heartbeat
/// thread share it.
/// Usage: `writer.transact([&](std::string& lines) { lines += journal_line(record); });`
class JournalWriter {
 public:
  JournalWriter(std::string path, JournalOptions options);

  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  ~JournalWriter();

  const std::string& path() const noexcept { return path_; }
  const JournalOptions& options() const noexcept { return options_; }
  /// "host:pid" of this process.
  const std::string& worker() const noexcept { return worker_; }
  /// This open study's token, distinct for every open of a journal.
  const std::string& session() const noexcept { return session_; }

  /// Runs work(lines) holding the journal's lock, then writes what it added to `lines`. The work
  /// may read the journal (the lock keeps other writers out, so what it reads is the file's end).
  /// Returns the offset in the file at which the lines were written (nullopt when the work added
  /// none), so that a reader that had read up to there can take them without reading them back.
  /// Throws std::runtime_error naming the journal and the reason when the lock cannot be taken or
  /// the write fails; a failed write is undone, so the file never keeps half a line.
  template <class Work>
  std::optional<std::uintmax_t> transact(Work&& work) {
    std::lock_guard guard(mutex_);
    JournalLock lock(path_, worker_, options_);
    std::string lines;
    work(lines);
    if (lines.empty()) return std::nullopt;
    return write_locked(lines);
  }

  /// How many trials this session has running: while any, a thread sends heartbeats; with none,
  /// the thread ends (a process that forks after a run forks no hidden thread).
  void set_running(std::size_t running);

  /// The error of the last heartbeat that could not be written ("" when none): the study reports it.
  std::string heartbeat_error() const;

 private:
  void heartbeat_loop(std::stop_token stop);

  std::uintmax_t write_locked(const std::string& lines);

  // Writes all of `bytes` at offset `at`, retrying short writes; 0, or the errno that stopped it
  // (ENOSPC when the system wrote nothing and gave no reason).
  static int write_all(int fd, const std::string& bytes, std::uintmax_t at);

  // Creates the journal holding `lines`, whole, so that no reader ever finds it without its header.
  // False when a file of that name appeared meanwhile (made by hand: the lock keeps writers out).
  bool create_with(const std::string& lines) const;

  // The file's end after repair: a last line without its newline is completed when it holds a
  // whole record (written by hand, say), else cut off (a writer died while writing it: the record
  // is lost with it, and readers never consumed it, since they take only complete lines).
  std::uintmax_t repair_end(int fd, std::uintmax_t size) const;

  std::string path_;
  JournalOptions options_;
  std::string worker_;
  std::string session_;
  std::mutex mutex_;  // one transaction at a time within the process
  std::atomic<std::size_t> running_{0};
  std::atomic<bool> started_trials_{false};
  mutable std::mutex error_mutex_;
  std::string heartbeat_error_;
  std::jthread heartbeat_;  // last: stopped and joined first
};

}  // namespace hpo::detail

#if HPO_BODIES_IN_HEADERS
#include "hpo/study/impl/journal_file.ipp"
#endif
