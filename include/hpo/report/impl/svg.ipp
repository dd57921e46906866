#pragma once
// Bodies of svg.hpp; see core/linkage.hpp.
#include "hpo/report/svg.hpp"

namespace hpo::report {

HPO_INLINE std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HPO_INLINE std::string shorten(std::string_view text, std::size_t max_characters) {
  std::size_t characters = 0, i = 0;
  const std::size_t keep = max_characters > 1 ? max_characters - 1 : 1;
  std::size_t cut = std::string_view::npos;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (characters == keep) cut = i;
    ++characters;
  }
  if (characters <= max_characters || cut == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, cut)) + "\u2026";
}

HPO_INLINE double text_width(std::string_view text, double font_size) {
  std::size_t characters = 0;
  for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return 0.6 * font_size * static_cast<double>(characters);
}

HPO_INLINE std::string px(double v) {
  if (!std::isfinite(v)) v = 0.0;
  v = std::round(std::clamp(v, -1e5, 1e5) * 10.0) / 10.0;
  if (v == 0.0) v = 0.0;  // no "-0"
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 1);
  std::string text(buffer, result.ptr);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return text;
}

namespace detail {

HPO_INLINE std::string compact_exponent(std::string text) {
  const auto e = text.find('e');
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e), exponent = text.substr(e + 1);
  const bool negative = !exponent.empty() && exponent[0] == '-';
  if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.erase(0, 1);
  exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return mantissa + "e" + (negative ? "-" : "") + exponent;
}

}  // namespace detail

HPO_INLINE std::string format_number(double v, int significant) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0.0) return "0";
  char buffer[64];
  const double magnitude = std::abs(v);
  std::to_chars_result result;
  if (magnitude >= 1e-4 && magnitude < 1e6) {
    const int leading = static_cast<int>(std::floor(std::log10(magnitude)));
    const int decimals = std::clamp(significant - 1 - leading, 0, 17);
    result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
    std::string text(buffer, result.ptr);
    if (text.find('.') != std::string::npos) {  // 0.2500 -> 0.25: trailing zeros say nothing here
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') text.pop_back();
    }
    return text;
  }
  result =
      std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::scientific, std::max(significant - 1, 0));
  std::string text(buffer, result.ptr);
  const auto e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  return detail::compact_exponent(mantissa + text.substr(e));
}

HPO_INLINE void SvgWriter::line(Point a, Point b, std::string_view cls, std::string_view stroke) {
  out_ += "<line x1=\"" + px(a.x) + "\" y1=\"" + px(a.y) + "\" x2=\"" + px(b.x) + "\" y2=\"" + px(b.y) + "\"";
  attributes(cls, {}, stroke);
  out_ += "/>\n";
}

HPO_INLINE void SvgWriter::rect(double x, double y, double w, double h, std::string_view cls, std::string_view fill,
                                std::string_view tooltip) {
  out_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) + "\" height=\"" +
          px(std::max(h, 0.0)) + "\"";
  attributes(cls, fill, {});
  close("rect", tooltip);
}

HPO_INLINE void SvgWriter::circle(Point c, double r, std::string_view cls, std::string_view fill,
                                  std::string_view tooltip) {
  out_ += "<circle cx=\"" + px(c.x) + "\" cy=\"" + px(c.y) + "\" r=\"" + px(r) + "\"";
  attributes(cls, fill, {});
  close("circle", tooltip);
}

HPO_INLINE void SvgWriter::path(std::string_view d, std::string_view cls, std::string_view stroke,
                                std::string_view fill, std::string_view tooltip) {
  out_ += "<path d=\"";
  out_ += d;
  out_ += "\"";
  attributes(cls, fill, stroke);
  close("path", tooltip);
}

HPO_INLINE void SvgWriter::polyline(const std::vector<Point>& points, std::string_view cls, std::string_view stroke,
                                    std::string_view tooltip) {
  out_ += "<polyline points=\"";
  for (std::size_t i = 0; i < points.size(); ++i) out_ += (i ? " " : "") + px(points[i].x) + "," + px(points[i].y);
  out_ += "\"";
  attributes(cls, {}, stroke);
  close("polyline", tooltip);
}

HPO_INLINE void SvgWriter::text(Point at, std::string_view content, Anchor anchor, std::string_view cls, double rotate,
                                std::string_view tooltip) {
  out_ += "<text x=\"" + px(at.x) + "\" y=\"" + px(at.y) + "\"";
  if (anchor != Anchor::Start) out_ += anchor == Anchor::Middle ? " text-anchor=\"middle\"" : " text-anchor=\"end\"";
  if (rotate != 0.0) out_ += " transform=\"rotate(" + px(rotate) + " " + px(at.x) + " " + px(at.y) + ")\"";
  attributes(cls, {}, {});
  out_ += ">";
  if (!tooltip.empty()) out_ += "<title>" + escape(tooltip) + "</title>";
  out_ += escape(content) + "</text>\n";
}

HPO_INLINE void SvgWriter::begin_group(std::string_view cls, std::string_view tooltip) {
  out_ += "<g";
  attributes(cls, {}, {});
  out_ += ">";
  if (!tooltip.empty()) out_ += "<title>" + escape(tooltip) + "</title>";
  out_ += "\n";
}

HPO_INLINE std::string SvgWriter::finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

HPO_INLINE void SvgWriter::attributes(std::string_view cls, std::string_view fill, std::string_view stroke) {
  if (!cls.empty()) out_ += " class=\"" + escape(cls) + "\"";
  if (!fill.empty()) out_ += " fill=\"" + escape(fill) + "\"";
  if (!stroke.empty()) out_ += " stroke=\"" + escape(stroke) + "\"";
}

HPO_INLINE void SvgWriter::close(std::string_view tag, std::string_view tooltip) {
  if (tooltip.empty()) {
    out_ += "/>\n";
    return;
  }
  out_ += "><title>" + escape(tooltip) + "</title></";
  out_ += tag;
  out_ += ">\n";
}

}  // namespace hpo::report
