#pragma once
// The search space: named, validated parameters and the map to and from the unit cube.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "hpo/core/linkage.hpp"
#include "hpo/space/config.hpp"
#include "hpo/space/parameter.hpp"

namespace hpo {

/// Named real, integer and categorical parameters. Every bad definition throws
/// std::invalid_argument naming the parameter and the value.
/// Usage:
///   hpo::SearchSpace space;
///   space.add_real("lr", 1e-5, 1e-1, hpo::Scale::Log).add_int("units", 16, 256)
///        .add_categorical("act", {"relu", "tanh"});
class SearchSpace {
 public:
  /// A real parameter, uniform on [low, high] (or log-uniform, which needs low > 0).
  SearchSpace& add_real(const std::string& name, double low, double high, Scale scale = Scale::Linear);

  /// An integer parameter on [low, high], both inclusive (log-uniform needs low >= 1).
  SearchSpace& add_int(const std::string& name, std::int64_t low, std::int64_t high, Scale scale = Scale::Linear);

  /// A categorical parameter: distinct, non-empty category names.
  SearchSpace& add_categorical(const std::string& name, std::vector<std::string> categories);
  SearchSpace& add_categorical(const std::string& name, std::initializer_list<const char*> categories) {
    return add_categorical(name, std::vector<std::string>(categories.begin(), categories.end()));
  }

  std::size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.empty(); }
  const std::vector<Parameter>& parameters() const noexcept { return parameters_; }
  const Parameter& operator[](std::size_t i) const { return parameters_.at(i); }

  bool contains(const std::string& name) const noexcept { return find(name) != npos; }
  std::size_t index_of(const std::string& name) const {
    const std::size_t i = find(name);
    if (i == npos) throw std::out_of_range("hpo::SearchSpace: no parameter named \"" + name + "\"");
    return i;
  }
  const Parameter& parameter(const std::string& name) const { return parameters_[index_of(name)]; }

  /// The configuration at a point of the unit cube (one coordinate per parameter, in order).
  /// Coordinates outside [0, 1] are clamped; a NaN or infinite one throws std::invalid_argument
  /// naming its parameter.
  Config from_unit(const Eigen::Ref<const Eigen::VectorXd>& u) const;

  /// The unit-cube point of a valid configuration (validated first).
  Eigen::VectorXd to_unit(const Config& config) const;

  /// Throws std::invalid_argument naming the parameter and the value when the configuration
  /// misses a parameter, has an unknown one, or holds a value outside its parameter's range.
  void validate(const Config& config) const;

  /// Empty when both spaces are the same, otherwise the first difference in words.
  std::string difference(const SearchSpace& other) const;

  friend bool operator==(const SearchSpace& a, const SearchSpace& b) { return a.parameters_ == b.parameters_; }

  /// A parameter in words, e.g. `integer [16, 256] log`.
  static std::string describe(const Parameter& p);

  nlohmann::json to_json() const;

  /// Rebuilds a space written by to_json(), validating it as add_* does.
  static SearchSpace from_json(const nlohmann::json& json);

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t find(const std::string& name) const noexcept {
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      if (parameters_[i].name == name) return i;
    return npos;
  }

  static std::invalid_argument invalid(const std::string& name, const std::string& what) {
    return std::invalid_argument("hpo::SearchSpace: parameter \"" + name + "\": " + what);
  }

  void check_new_name(const std::string& name) const;

  static void check_order_and_log(const std::string& name, double low, double high, Scale scale);

  std::vector<Parameter> parameters_;
};

/// Throws std::invalid_argument naming the optimizer `who` when the space has no parameter: there
/// is nothing to propose, and an empty configuration would be evaluated as if it were one.
/// Usage: `hpo::require_parameters(study.space(), "hpo::RandomSearch");`
HPO_INLINE void require_parameters(const SearchSpace& space, const char* who);

}  // namespace hpo

#if HPO_BODIES_IN_HEADERS
#include "hpo/space/impl/search_space.ipp"
#endif
