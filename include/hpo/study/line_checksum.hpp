#pragma once
// A checksum on each line a journal writer appends, so that a reader can tell a line it may trust
// from one damaged after it was written (e.g. two writers interleaved where a lock was broken).

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace hpo::detail {

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG) of `bytes`. Written here rather than taken
/// from zlib: fifteen lines do not justify a dependency.
inline std::uint32_t crc32(std::string_view bytes) noexcept {
  static constexpr auto kTable = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
    return table;
  }();
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char ch : bytes) crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

/// The member a sealed line ends with: `,"crc32":"xxxxxxxx"}` (17 + 2 characters).
inline constexpr std::string_view kChecksumKey = ",\"crc32\":\"";
inline constexpr std::size_t kChecksumSuffix = kChecksumKey.size() + 8 + 2;

/// A JSON object's text (`{...}`, not empty) with its checksum as the last member: the CRC-32 of the
/// text as it would read without that member.
inline std::string seal_line(std::string_view object_text) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc32(object_text)));
  std::string line(object_text.substr(0, object_text.size() - 1));
  line += kChecksumKey;
  line += hex;
  line += "\"}";
  return line;
}

/// What a line's checksum says: absent (a line written by hand or by an older version), or whether
/// it matches the rest of the line.
enum class ChecksumState { Absent, Matches, Differs };

inline ChecksumState check_line(std::string_view line) {
  if (line.size() < kChecksumSuffix + 2 || line.back() != '}') return ChecksumState::Absent;
  const std::size_t at = line.size() - kChecksumSuffix;
  if (line.substr(at, kChecksumKey.size()) != kChecksumKey || line[line.size() - 2] != '"')
    return ChecksumState::Absent;
  std::string body(line.substr(0, at));
  body += '}';
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc32(body)));
  return line.substr(at + kChecksumKey.size(), 8) == hex ? ChecksumState::Matches : ChecksumState::Differs;
}

}  // namespace hpo::detail
