#pragma once
// Bodies of journal_lock.hpp; see core/linkage.hpp.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "hpo/study/journal_lock.hpp"

namespace hpo::detail {

HPO_INLINE const std::string& host_name() {
  static const std::string name = [] {
    char text[256] = {};
    if (::gethostname(text, sizeof text - 1) != 0 || text[0] == '\0') return std::string("localhost");
    return std::string(text);
  }();
  return name;
}

HPO_INLINE std::string random_token() {
  thread_local std::uint64_t state = 0;
  thread_local pid_t seeded_in = 0;
  const pid_t pid = ::getpid();
  if (seeded_in != pid) {
    std::random_device device;
    state = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    seeded_in = pid;
  }
  // splitmix64 (Steele, Lea & Flood 2014): a full-period sequence with well-mixed outputs.
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const unsigned long long token = z ^ now ^ (static_cast<std::uint64_t>(pid) << 16);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", token);
  return text;
}
HPO_INLINE std::string JournalLock::read_lock() const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buffer[512];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

HPO_INLINE void JournalLock::break_stale_lock() const {
  const std::string broken = path_ + ".stale." + token_;
  if (::rename(path_.c_str(), broken.c_str()) == 0) {
    std::fprintf(stderr, "hpo: broke the stale lock \"%s\" (its holder stopped while holding it)\n", path_.c_str());
    ::unlink(broken.c_str());
  }
}

HPO_INLINE JournalLock::JournalLock(const std::string& journal, const std::string& holder,
                                    const JournalOptions& options)
    : path_(journal + ".lock"), token_(random_token()) {
  const std::string content = holder + " " + token_ + "\n";
  const auto start = std::chrono::steady_clock::now();
  std::string seen;  // the lock we wait on (file number and content), and since when it is unchanged
  auto seen_since = start;
  auto pause = std::chrono::microseconds(50);
  for (;;) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
      const int error = errno;
      ::close(fd);
      if (!written) {
        ::unlink(path_.c_str());
        throw std::runtime_error("hpo: cannot write the lock file \"" + path_ + "\": " + errno_text(error));
      }
      return;
    }
    if (errno != EEXIST)
      throw std::runtime_error("hpo: cannot take the lock of journal \"" + journal + "\" (creating \"" + path_ +
                               "\" failed: " + errno_text(errno) + ")");
    struct stat status {};
    const bool exists = ::lstat(path_.c_str(), &status) == 0;
    if (exists && !S_ISREG(status.st_mode))
      throw std::runtime_error("hpo: cannot take the lock of journal \"" + journal + "\": \"" + path_ +
                               "\" exists and is not a file");
    const auto now = std::chrono::steady_clock::now();
    const std::string current = read_lock();
    // The lock as seen: its file and its content. An empty lock file, whose holder was killed
    // between creating and writing it, is stale like any other once it stays the same; its file
    // number tells it apart from a fresh one that the next holder has not written yet.
    const std::string state = exists ? std::to_string(status.st_ino) + " " + current : std::string();
    if (state != seen || !exists) {
      seen = state;
      seen_since = now;
    } else if (seconds(now - seen_since) > options.lock_stale_after) {
      break_stale_lock();
      continue;
    }
    if (seconds(now - start) > options.lock_timeout)
      throw std::runtime_error(
          "hpo: could not take the lock of journal \"" + journal + "\" within " + std::to_string(options.lock_timeout) +
          " s; \"" + path_ + "\" is held by " +
          (current.empty() ? std::string("an unknown process") : current.substr(0, current.find('\n'))));
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
}

HPO_INLINE JournalLock::~JournalLock() {
  const std::string released = path_ + ".released." + token_;
  if (::rename(path_.c_str(), released.c_str()) == 0) ::unlink(released.c_str());
}

}  // namespace hpo::detail
