#pragma once
// One named parameter of a search space and its map to and from the unit interval.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/space/config.hpp"

namespace hpo {

namespace detail {
/// The index of the cell holding u among `cells` > 0 equal cells of [0, 1] (u = 1 in the last;
/// u below 0, or NaN, in the first): how a unit coordinate picks a category.
inline std::size_t cell_index(double u, std::size_t cells) noexcept {
  if (!(u > 0.0)) return 0;
  return std::min(static_cast<std::size_t>(std::min(u, 1.0) * static_cast<double>(cells)), cells - 1);
}
}  // namespace detail

/// How a numeric parameter is spread: uniformly, or uniformly in its logarithm.
enum class Scale { Linear, Log };

/// The three kinds of parameter a search space holds.
enum class ParameterKind { Real, Integer, Categorical };

inline const char* to_string(ParameterKind kind) noexcept {
  switch (kind) {
    case ParameterKind::Real:
      return "real";
    case ParameterKind::Integer:
      return "integer";
    default:
      return "categorical";
  }
}

/// A parameter: its name, kind, bounds (inclusive; integers as exact doubles), scale and categories.
/// Every parameter maps to one coordinate u in [0, 1]: reals continuously (in log for a log scale),
/// integers onto equal cells, one per value (log-spaced cells for a log scale), categories onto k
/// equal cells. Decoding any u gives a valid value; encoding a value gives its cell's centre.
/// Usage: `double u = parameter.to_unit(Value{0.01}); Value v = parameter.from_unit(u);`
struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::Real;
  double low = 0.0;
  double high = 1.0;
  Scale scale = Scale::Linear;
  std::vector<std::string> categories;

  bool is_numeric() const noexcept { return kind != ParameterKind::Categorical; }

  /// Number of distinct values; 0 for a real parameter (a continuum).
  std::uint64_t cardinality() const noexcept {
    if (kind == ParameterKind::Categorical) return categories.size();
    if (kind == ParameterKind::Integer) return static_cast<std::uint64_t>(high - low) + 1;
    return 0;
  }

  /// Index of a category, or categories.size() when absent.
  std::size_t category_index(const std::string& category) const noexcept {
    return static_cast<std::size_t>(std::find(categories.begin(), categories.end(), category) - categories.begin());
  }

  /// The value at unit coordinate u; u outside [0, 1] is clamped, a non-finite u throws
  /// std::invalid_argument naming the parameter and u.
  Value from_unit(double u) const {
    check_unit(u);
    u = std::clamp(u, 0.0, 1.0);
    switch (kind) {
      case ParameterKind::Real: {
        const double x = scale == Scale::Log ? std::exp(std::log(low) + u * (std::log(high) - std::log(low)))
                                             : low + u * (high - low);
        return std::clamp(x, low, high);
      }
      case ParameterKind::Integer: {
        double x;
        if (scale == Scale::Log) {
          const double a = std::log(low - 0.5), b = std::log(high + 0.5);
          x = std::round(std::exp(a + u * (b - a)));
        } else {
          x = low + std::floor(u * (high - low + 1.0));
        }
        return static_cast<std::int64_t>(std::clamp(x, low, high));
      }
      default:
        return categories[detail::cell_index(u, categories.size())];
    }
  }

  /// The unit coordinate of a value; the value must be valid for this parameter.
  double to_unit(const Value& value) const {
    switch (kind) {
      case ParameterKind::Real: {
        const double x = std::get<double>(value);
        return scale == Scale::Log ? (std::log(x) - std::log(low)) / (std::log(high) - std::log(low))
                                   : (x - low) / (high - low);
      }
      case ParameterKind::Integer: {
        const double x = static_cast<double>(std::get<std::int64_t>(value));
        if (scale == Scale::Log) {
          const double a = std::log(low - 0.5), b = std::log(high + 0.5);
          return (std::log(x) - a) / (b - a);
        }
        return (x - low + 0.5) / (high - low + 1.0);
      }
      default:
        return (static_cast<double>(category_index(std::get<std::string>(value))) + 0.5) /
               static_cast<double>(categories.size());
    }
  }

  /// Empty when the value is valid for this parameter, otherwise why not.
  std::string check(const Value& value) const {
    // Built only on failure: the optimizers check every configuration they hand out.
    const auto prefix = [&] { return "parameter \"" + name + "\" = " + detail::format_value(value) + ": "; };
    switch (kind) {
      case ParameterKind::Real: {
        const auto* x = std::get_if<double>(&value);
        if (!x) return prefix() + "expected a real value";
        if (!(*x >= low && *x <= high))
          return prefix() + "outside [" + detail::format_value(low) + ", " + detail::format_value(high) + "]";
        return {};
      }
      case ParameterKind::Integer: {
        const auto* x = std::get_if<std::int64_t>(&value);
        if (!x) return prefix() + "expected an integer value";
        if (static_cast<double>(*x) < low || static_cast<double>(*x) > high)
          return prefix() + "outside [" + std::to_string(static_cast<std::int64_t>(low)) + ", " +
                 std::to_string(static_cast<std::int64_t>(high)) + "]";
        return {};
      }
      default: {
        const auto* s = std::get_if<std::string>(&value);
        if (!s) return prefix() + "expected a category";
        if (category_index(*s) == categories.size()) return prefix() + "not one of the categories";
        return {};
      }
    }
  }

  /// Throws std::invalid_argument naming the parameter when the unit coordinate u is NaN or
  /// infinite: no value lies there, and clamping NaN would decode to an arbitrary one.
  void check_unit(double u) const {
    if (!std::isfinite(u))
      throw std::invalid_argument("hpo: parameter \"" + name + "\": unit coordinate " + detail::format_value(u) +
                                  " is not finite");
  }

  friend bool operator==(const Parameter&, const Parameter&) = default;
};

}  // namespace hpo
