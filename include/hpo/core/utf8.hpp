#pragma once
// Text that enters a journal must be UTF-8 (JSON's encoding): a check, and a repair for free text.

#include <cstddef>
#include <string>
#include <string_view>

namespace hpo::detail {

/// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
/// surrogates, at most U+10FFFF), or 0 when there is none.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2;
  else if (lead == 0xE0)
    length = 3, low = 0xA0;
  else if (lead >= 0xE1 && lead <= 0xEC)
    length = 3;
  else if (lead == 0xED)
    length = 3, high = 0x9F;
  else if (lead >= 0xEE && lead <= 0xEF)
    length = 3;
  else if (lead == 0xF0)
    length = 4, low = 0x90;
  else if (lead >= 0xF1 && lead <= 0xF3)
    length = 4;
  else if (lead == 0xF4)
    length = 4, high = 0x8F;
  else
    return 0;
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

/// Whether `text` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

/// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD (the
/// replacement character), as the Unicode standard recommends for decoding errors: free text such
/// as an exception's message in Latin-1 keeps its readable part.
inline std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string repaired;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      repaired += "\xEF\xBF\xBD";
      ++i;
    } else {
      repaired.append(text.substr(i, length));
      i += length;
    }
  }
  return repaired;
}

/// `text` with each byte that is not well-formed UTF-8 written as \xHH, for error messages that
/// must show a name the journal cannot hold.
inline std::string escaped_utf8(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      const auto b = static_cast<unsigned char>(text[i++]);
      escaped += std::string("\\x") + kHex[b >> 4] + kHex[b & 15];
    } else {
      escaped.append(text.substr(i, length));
      i += length;
    }
  }
  return escaped;
}

}  // namespace hpo::detail
