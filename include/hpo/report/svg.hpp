#pragma once
// Writing the report's text: escaping for HTML and SVG, numbers that do not depend on the locale
// and are never "nan" or "inf", and a small writer of SVG elements.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "hpo/core/linkage.hpp"

namespace hpo::report {

/// Text made safe for HTML/XML content and attribute values: & < > " ' become entities.
/// Usage: `html += "<td>" + hpo::report::escape(parameter.name) + "</td>";`
HPO_INLINE std::string escape(std::string_view text);

/// The first `max_characters` characters of a UTF-8 text (whole code points), with an ellipsis when cut.
/// Usage: `svg.text(at, shorten(name, 12), Anchor::End, "tick", 0, name);`
HPO_INLINE std::string shorten(std::string_view text, std::size_t max_characters);

/// Width of a text in pixels, estimated (no font metrics offline): 0.6 em per character, generous
/// for the sans-serif fonts browsers pick, so that labels laid out with it do not overlap.
/// Usage: `if (text_width(label) > room) label = shorten(label, 10);`
HPO_INLINE double text_width(std::string_view text, double font_size = 11.0);

/// A pixel coordinate as SVG text: at most one decimal, locale-independent; a non-finite value
/// becomes 0 and a far one is clamped, so that no attribute ever reads "nan" or "inf".
/// Usage: `out += "x=\"" + px(x) + "\"";`
HPO_INLINE std::string px(double v);

namespace detail {
// "1.5e+07" -> "1.5e7", "2e-05" -> "2e-5": shorter, and what people write.
HPO_INLINE std::string compact_exponent(std::string text);
}  // namespace detail

/// A value for people to read: `significant` digits, plain between 1e-4 and 1e6, otherwise with a
/// compact exponent (2.5e-7); "n/a" for a non-finite value. Locale-independent.
/// Usage: `format_number(0.000123456)` is "0.0001235", `format_number(3e300)` is "3e300".
HPO_INLINE std::string format_number(double v, int significant = 4);

/// A point in pixels. Usage: `svg.circle(Point{x, y}, 3, "dot");`
struct Point {
  double x = 0.0;
  double y = 0.0;
};

/// Where a text sits relative to its point. Usage: `svg.text(at, "label", Anchor::End);`
enum class Anchor { Start, Middle, End };

/// Writes one <svg> element: shapes styled by CSS classes of the report page (and an explicit colour
/// where the data chooses it), each optionally with a tooltip (an SVG <title>, which browsers show
/// on hover without any script).
/// Usage:
///   SvgWriter svg(400, 300, "history", "Optimization history");
///   svg.circle({10, 20}, 3, "dot", "#0072B2", "trial 4: 0.25");
///   std::string markup = svg.finish();
class SvgWriter {
 public:
  SvgWriter(double width, double height, std::string_view id, std::string_view label) : width_(width), height_(height) {
    out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" id=\"" + escape(id) + "\" width=\"" + px(width) +
           "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " + px(height) +
           "\" role=\"img\" aria-label=\"" + escape(label) + "\">\n";
  }

  double width() const noexcept { return width_; }
  double height() const noexcept { return height_; }

  void line(Point a, Point b, std::string_view cls, std::string_view stroke = {});

  void rect(double x, double y, double w, double h, std::string_view cls, std::string_view fill = {},
            std::string_view tooltip = {});

  void circle(Point c, double r, std::string_view cls, std::string_view fill = {}, std::string_view tooltip = {});

  /// A path given by its "d" data (build it with path_data / px).
  void path(std::string_view d, std::string_view cls, std::string_view stroke = {}, std::string_view fill = {},
            std::string_view tooltip = {});

  void polyline(const std::vector<Point>& points, std::string_view cls, std::string_view stroke = {},
                std::string_view tooltip = {});

  /// A text; `rotate` in degrees about its anchor point, `tooltip` e.g. the full text of a shortened label.
  void text(Point at, std::string_view content, Anchor anchor = Anchor::Start, std::string_view cls = {},
            double rotate = 0.0, std::string_view tooltip = {});

  void begin_group(std::string_view cls, std::string_view tooltip = {});
  void end_group() { out_ += "</g>\n"; }

  /// Markup written as is: the caller escapes it (for many small shapes built in bulk).
  void raw(std::string_view markup) { out_ += markup; }

  /// The finished <svg> element.
  std::string finish();

 private:
  void attributes(std::string_view cls, std::string_view fill, std::string_view stroke);

  void close(std::string_view tag, std::string_view tooltip);

  double width_, height_;
  std::string out_;
};

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/svg.ipp"
#endif
