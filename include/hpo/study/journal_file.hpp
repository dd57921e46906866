#pragma once
// The journal as a file shared by several writers: a reader that takes only the complete lines
// appended since its last read, and a writer that appends whole lines under the journal's lock
// and keeps a heartbeat going while its process has trials running.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

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
  std::vector<JournalLine> read(bool to_end = false) {
    FileDescriptor fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw std::runtime_error("hpo: cannot open journal \"" + path_ + "\": " + errno_text(errno));
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0)
      throw std::runtime_error("hpo: cannot read journal \"" + path_ + "\": " + errno_text(errno));
    if (S_ISDIR(status.st_mode)) throw std::runtime_error("hpo: journal \"" + path_ + "\" is a directory, not a file");
    const auto size = static_cast<std::uintmax_t>(status.st_size);
    if (size < offset_)
      throw std::runtime_error("hpo: journal \"" + path_ + "\" shrank from " + std::to_string(offset_) + " to " +
                               std::to_string(size) + " bytes while it was read (replaced by another file?)");
    std::string bytes(static_cast<std::size_t>(size - offset_), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pread(fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error("hpo: cannot read journal \"" + path_ + "\": " + errno_text(errno));
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return split(bytes, to_end);
  }

  /// The lines of `bytes` (whole lines, each with its newline) when they were written at `at`,
  /// the offset this reader has read up to: as read() would return them once they are in the
  /// file, without reading the file. Nullopt, and nothing consumed, when `at` is elsewhere (other
  /// lines came before them, or a repaired line this reader has not consumed): read() then.
  std::optional<std::vector<JournalLine>> accept(std::string_view bytes, std::uintmax_t at) {
    if (at != offset_ || bytes.empty() || bytes.back() != '\n') return std::nullopt;
    return split(bytes, false);
  }

  const std::string& path() const noexcept { return path_; }
  /// Bytes consumed: the end of the last complete line read.
  std::uintmax_t offset() const noexcept { return offset_; }

 private:
  std::vector<JournalLine> split(std::string_view bytes, bool to_end) {
    std::vector<JournalLine> lines;
    std::size_t begin = 0;
    while (begin < bytes.size()) {
      const std::size_t newline = bytes.find('\n', begin);
      if (newline == std::string_view::npos && !to_end) break;
      const std::size_t end = newline == std::string_view::npos ? bytes.size() : newline;
      ++line_number_;
      const std::string_view text = bytes.substr(begin, end - begin);
      if (text.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back({line_number_, std::string(text)});
      begin = newline == std::string_view::npos ? bytes.size() : newline + 1;
    }
    offset_ += begin;
    return lines;
  }

  std::string path_;
  std::uintmax_t offset_ = 0;
  std::size_t line_number_ = 0;
};

/// The sessions of this process whose writer is alive: a trial of this process's other sessions
/// will not finish (their study is gone), even though the process runs.
class LiveSessions {
 public:
  static void add(const std::string& session) {
    std::lock_guard lock(mutex());
    sessions().insert(session);
  }
  static void remove(const std::string& session) {
    std::lock_guard lock(mutex());
    sessions().erase(session);
  }
  static bool contains(const std::string& session) {
    std::lock_guard lock(mutex());
    return sessions().contains(session);
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::set<std::string>& sessions() {
    static std::set<std::string> s;
    return s;
  }
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
  JournalWriter(std::string path, JournalOptions options)
      : path_(std::move(path)),
        options_(options),
        worker_(host_name() + ":" + std::to_string(::getpid())),
        session_(random_token()) {
    LiveSessions::add(session_);
  }

  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  ~JournalWriter() {
    LiveSessions::remove(session_);
    if (heartbeat_.joinable()) {
      heartbeat_.request_stop();
      heartbeat_.join();
    }
    if (!started_trials_) return;
    try {
      transact([&](std::string& lines) {
        lines += journal_line({{"type", "close"}, {"worker", worker_}, {"session", session_}});
      });
    } catch (...) {  // a destructor must not throw; the others fall back on the heartbeat timeout
    }
  }

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
  void set_running(std::size_t running) {
    if (running > 0) started_trials_ = true;
    running_.store(running);
    if (running > 0 && !heartbeat_.joinable()) {
      heartbeat_ = std::jthread([this](std::stop_token stop) { heartbeat_loop(stop); });
    } else if (running == 0 && heartbeat_.joinable()) {
      heartbeat_.request_stop();
      heartbeat_.join();
      heartbeat_ = std::jthread();
    }
  }

  /// The error of the last heartbeat that could not be written ("" when none): the study reports it.
  std::string heartbeat_error() const {
    std::lock_guard guard(error_mutex_);
    return heartbeat_error_;
  }

 private:
  void heartbeat_loop(std::stop_token stop) {
    std::mutex wait_mutex;
    std::condition_variable_any wake;
    const auto interval = std::chrono::duration<double>(options_.heartbeat_interval);
    std::unique_lock lock(wait_mutex);
    while (!wake.wait_for(lock, stop, interval, [] { return false; })) {
      if (stop.stop_requested()) return;
      if (running_.load() == 0) continue;
      try {
        transact([&](std::string& lines) {
          lines += journal_line({{"type", "heartbeat"}, {"worker", worker_}, {"session", session_}});
        });
      } catch (const std::exception& e) {
        std::lock_guard guard(error_mutex_);
        heartbeat_error_ = e.what();
      }
    }
  }

  std::uintmax_t write_locked(const std::string& lines) {
    FileDescriptor fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0)
      throw std::runtime_error("hpo: cannot open journal \"" + path_ + "\" for writing: " + errno_text(errno));
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0)
      throw std::runtime_error("hpo: cannot read journal \"" + path_ + "\": " + errno_text(errno));
    const auto end = repair_end(fd.get(), static_cast<std::uintmax_t>(status.st_size));
    std::size_t done = 0;
    while (done < lines.size()) {
      const ssize_t n = ::pwrite(fd.get(), lines.data() + done, lines.size() - done, static_cast<off_t>(end + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = n < 0 ? errno : ENOSPC;
        if (::ftruncate(fd.get(), static_cast<off_t>(end)) !=
            0) {  // the file keeps half a line: the next writer cuts it
        }
        throw std::runtime_error("hpo: writing to journal \"" + path_ + "\" failed: " + errno_text(error));
      }
      done += static_cast<std::size_t>(n);
    }
    return end;
  }

  // The file's end after repair: a last line without its newline is completed when it holds a
  // whole record (written by hand, say), else cut off (a writer died while writing it: the record
  // is lost with it, and readers never consumed it, since they take only complete lines).
  std::uintmax_t repair_end(int fd, std::uintmax_t size) const {
    if (size == 0) return 0;
    char last = '\n';
    if (::pread(fd, &last, 1, static_cast<off_t>(size - 1)) != 1 || last == '\n') return size;
    std::uintmax_t start = size;
    std::string tail;
    char buffer[4096];
    while (start > 0) {
      const std::uintmax_t chunk = std::min<std::uintmax_t>(sizeof buffer, start);
      if (::pread(fd, buffer, chunk, static_cast<off_t>(start - chunk)) != static_cast<ssize_t>(chunk)) break;
      const std::string_view view(buffer, chunk);
      const std::size_t newline = view.rfind('\n');
      if (newline != std::string_view::npos) {
        tail.insert(0, view.substr(newline + 1));
        start = start - chunk + newline + 1;
        break;
      }
      tail.insert(0, view);
      start -= chunk;
    }
    try {
      parse_line(tail);
      if (::pwrite(fd, "\n", 1, static_cast<off_t>(size)) == 1) return size + 1;
    } catch (const std::exception&) {
    }
    if (::ftruncate(fd, static_cast<off_t>(start)) != 0)
      throw std::runtime_error("hpo: cannot repair the end of journal \"" + path_ + "\": " + errno_text(errno));
    std::fprintf(
        stderr,
        "hpo: journal \"%s\": removed %ju bytes at its end, a record left unfinished by a writer that stopped\n",
        path_.c_str(), size - start);
    return start;
  }

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
