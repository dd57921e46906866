#pragma once
// Bodies of journal_file.hpp; see core/linkage.hpp.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "hpo/study/journal_file.hpp"

namespace hpo::detail {

HPO_INLINE std::vector<JournalLine> JournalReader::read(bool to_end) {
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

HPO_INLINE std::optional<std::vector<JournalLine>> JournalReader::accept(std::string_view bytes, std::uintmax_t at) {
  if (at != offset_ || bytes.empty() || bytes.back() != '\n') return std::nullopt;
  return split(bytes, false);
}

HPO_INLINE std::vector<JournalLine> JournalReader::split(std::string_view bytes, bool to_end) {
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

HPO_INLINE void LiveSessions::add(const std::string& session) {
  std::lock_guard lock(mutex());
  sessions().insert(session);
}

HPO_INLINE void LiveSessions::remove(const std::string& session) {
  std::lock_guard lock(mutex());
  sessions().erase(session);
}

HPO_INLINE bool LiveSessions::contains(const std::string& session) {
  std::lock_guard lock(mutex());
  return sessions().contains(session);
}

HPO_INLINE std::mutex& LiveSessions::mutex() {
  static std::mutex m;
  return m;
}

HPO_INLINE std::set<std::string>& LiveSessions::sessions() {
  static std::set<std::string> s;
  return s;
}

HPO_INLINE JournalWriter::JournalWriter(std::string path, JournalOptions options)
    : path_(std::move(path)),
      options_(options),
      worker_(host_name() + ":" + std::to_string(::getpid())),
      session_(random_token()) {
  LiveSessions::add(session_);
}

HPO_INLINE JournalWriter::~JournalWriter() {
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

HPO_INLINE void JournalWriter::set_running(std::size_t running) {
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

HPO_INLINE std::string JournalWriter::heartbeat_error() const {
  std::lock_guard guard(error_mutex_);
  return heartbeat_error_;
}

HPO_INLINE void JournalWriter::heartbeat_loop(std::stop_token stop) {
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

HPO_INLINE std::uintmax_t JournalWriter::write_locked(const std::string& lines) {
  int opened = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (opened < 0 && errno == ENOENT) {
    if (create_with(lines)) return 0;
    opened = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  }
  FileDescriptor fd(opened);
  if (fd.get() < 0)
    throw std::runtime_error("hpo: cannot open journal \"" + path_ + "\" for writing: " + errno_text(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0)
    throw std::runtime_error("hpo: cannot read journal \"" + path_ + "\": " + errno_text(errno));
  const auto end = repair_end(fd.get(), static_cast<std::uintmax_t>(status.st_size));
  if (const int error = write_all(fd.get(), lines, end); error != 0) {
    if (::ftruncate(fd.get(), static_cast<off_t>(end)) != 0) {  // the file keeps half a line: the next writer cuts it
    }
    throw std::runtime_error("hpo: writing to journal \"" + path_ + "\" failed: " + errno_text(error));
  }
  return end;
}

HPO_INLINE int JournalWriter::write_all(int fd, const std::string& bytes, std::uintmax_t at) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

HPO_INLINE bool JournalWriter::create_with(const std::string& lines) const {
  const std::string temporary = path_ + ".new." + random_token();
  FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0)
    throw std::runtime_error("hpo: cannot create journal \"" + path_ + "\": " + errno_text(errno));
  if (const int error = write_all(fd.get(), lines, 0); error != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error("hpo: writing to journal \"" + path_ + "\" failed: " + errno_text(error));
  }
  // link() puts the whole file in place at once, or fails if the name exists; unlike rename, it
  // never replaces a journal, and it is atomic on NFS too.
  bool linked = ::link(temporary.c_str(), path_.c_str()) == 0;
  int error = errno;
  if (!linked && (error == EPERM || error == EOPNOTSUPP || error == ENOSYS)) {
    // A file system without hard links (FAT, some FUSE and SMB mounts): rename is atomic too, and
    // the lock keeps every other writer from creating the journal meanwhile.
    struct stat status {};
    if (::stat(path_.c_str(), &status) == 0) {
      error = EEXIST;
    } else {
      linked = ::rename(temporary.c_str(), path_.c_str()) == 0;
      error = errno;
    }
  }
  ::unlink(temporary.c_str());
  if (!linked && error != EEXIST)
    throw std::runtime_error("hpo: cannot create journal \"" + path_ + "\": " + errno_text(error));
  return linked;
}

HPO_INLINE std::uintmax_t JournalWriter::repair_end(int fd, std::uintmax_t size) const {
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
  std::fprintf(stderr,
               "hpo: journal \"%s\": removed %ju bytes at its end, a record left unfinished by a writer that stopped\n",
               path_.c_str(), size - start);
  return start;
}

}  // namespace hpo::detail
