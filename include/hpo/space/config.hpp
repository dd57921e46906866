#pragma once
// A configuration: one value per parameter, looked up by name.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace hpo {

/// The value of one parameter: a real, an integer or a category.
using Value = std::variant<double, std::int64_t, std::string>;

namespace detail {
inline std::string format_value(const Value& value) {
  struct Formatter {
    std::string operator()(double v) const {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.10g", v);
      return buffer;
    }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    // Quoted, with the quotes and backslashes inside escaped: a category named "gelu" (quotes
    // included) prints as "\"gelu\"", not as the ambiguous ""gelu"".
    std::string operator()(const std::string& v) const {
      std::string quoted = "\"";
      for (const char c : v) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      return quoted + '"';
    }
  };
  return std::visit(Formatter{}, value);
}

inline const char* value_kind_name(const Value& value) {
  switch (value.index()) {
    case 0:
      return "real (read it with get<double>)";
    case 1:
      return "integer (read it with get<int> or another integral type)";
    default:
      return "categorical (read it with get<std::string>)";
  }
}
}  // namespace detail

/// A configuration proposed by an optimizer: named values, in the order of the search space.
/// Reals are read as floating point, integers as any integral type, categories as strings;
/// any other request throws, naming the parameter.
/// Usage: `double lr = config.get<double>("lr"); int units = config.get<int>("units");`
class Config {
 public:
  Config() = default;

  /// Sets (or adds) a value; used by optimizers, and by users to enqueue a configuration.
  Config& set(const std::string& name, Value value) {
    for (auto& entry : entries_) {
      if (entry.first == name) {
        entry.second = std::move(value);
        return *this;
      }
    }
    entries_.emplace_back(name, std::move(value));
    return *this;
  }
  Config& set(const std::string& name, const char* category) { return set(name, Value(std::string(category))); }
  template <std::integral I>
  requires(!std::same_as<I, bool>) Config& set(const std::string& name, I integer) {
    return set(name, Value(static_cast<std::int64_t>(integer)));
  }
  template <std::floating_point F>
  Config& set(const std::string& name, F real) {
    return set(name, Value(static_cast<double>(real)));
  }

  bool contains(const std::string& name) const noexcept { return find(name) != nullptr; }
  std::size_t size() const noexcept { return entries_.size(); }
  const std::vector<std::pair<std::string, Value>>& entries() const noexcept { return entries_; }

  /// The raw value of a parameter; throws std::out_of_range naming an unknown parameter.
  const Value& value(const std::string& name) const {
    if (const Value* found = find(name)) return *found;
    std::string known;
    for (const auto& entry : entries_) known += (known.empty() ? "" : ", ") + entry.first;
    throw std::out_of_range("hpo::Config: no parameter named \"" + name + "\" (parameters: " + known + ")");
  }

  /// The value of a parameter as T: a floating type for a real parameter, an integral type
  /// for an integer parameter (range-checked), std::string for a categorical one.
  template <class T>
  T get(const std::string& name) const {
    const Value& v = value(name);
    if constexpr (std::is_same_v<T, std::string>) {
      if (const auto* s = std::get_if<std::string>(&v)) return *s;
    } else if constexpr (std::is_floating_point_v<T>) {
      if (const auto* d = std::get_if<double>(&v)) return static_cast<T>(*d);
    } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        if (!std::in_range<T>(*i))
          throw std::out_of_range("hpo::Config: parameter \"" + name + "\" = " + std::to_string(*i) +
                                  " does not fit the requested integer type");
        return static_cast<T>(*i);
      }
    } else {
      static_assert(sizeof(T) == 0,
                    "hpo::Config::get<T>: T must be a floating-point type (real parameters), an integral "
                    "type (integer parameters) or std::string (categorical parameters)");
    }
    throw std::invalid_argument("hpo::Config: parameter \"" + name + "\" = " + detail::format_value(v) + " is " +
                                detail::value_kind_name(v) + ", not the requested type");
  }

  /// `name=value` pairs separated by spaces, for logs and error messages.
  std::string to_string() const {
    std::string text;
    for (const auto& [name, value] : entries_) {
      if (!text.empty()) text += ' ';
      text += name + '=' + detail::format_value(value);
    }
    return text;
  }

  /// Exact equality: the same names in the same order, with equal values (reals compared as
  /// doubles, not as printed).
  friend bool operator==(const Config&, const Config&) = default;

 private:
  const Value* find(const std::string& name) const noexcept {
    for (const auto& entry : entries_)
      if (entry.first == name) return &entry.second;
    return nullptr;
  }

  std::vector<std::pair<std::string, Value>> entries_;
};

/// A hash consistent with Config's exact equality, for sets of configurations.
/// Usage: `std::unordered_set<hpo::Config, hpo::ConfigHash> seen;`
struct ConfigHash {
  std::size_t operator()(const Config& config) const noexcept {
    std::size_t h = 0x9E3779B97F4A7C15ULL;
    const auto mix = [&h](std::size_t v) { h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2); };
    for (const auto& [name, value] : config.entries()) {
      mix(std::hash<std::string>{}(name));
      mix(value.index());
      if (const auto* real = std::get_if<double>(&value))
        mix(std::hash<double>{}(*real == 0.0 ? 0.0 : *real));  // -0.0 == 0.0
      else if (const auto* integer = std::get_if<std::int64_t>(&value))
        mix(std::hash<std::int64_t>{}(*integer));
      else
        mix(std::hash<std::string>{}(std::get<std::string>(value)));
    }
    return h;
  }
};

}  // namespace hpo
