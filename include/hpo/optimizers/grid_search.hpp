#pragma once
// Grid search: the full Cartesian grid, in a fixed order.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hpo/study/seen_configurations.hpp"
#include "hpo/study/study.hpp"
#include "hpo/study/study_tracker.hpp"
#include "hpo/transfer/warm_start.hpp"

namespace hpo {

/// Options of hpo::GridSearch; designated initializers follow this order.
struct GridSearchOptions {
  /// Points along each real or integer parameter (integers: fewer when the range holds fewer values).
  std::size_t points_per_dimension = 5;
  /// Transfer from earlier studies: their best configurations first, then the grid points inside
  /// the sources' region, with a share warm_start.options().outside_fraction of the asks taken
  /// from the points outside it, in grid order.
  WarmStart warm_start{};
  /// Per-parameter overrides of points_per_dimension, by name.
  std::map<std::string, std::size_t> points_per_parameter{};
};

/// Grid search over the Cartesian product of per-parameter values: reals evenly spaced from low to
/// high (log-spaced on a log scale; one point is the midpoint), integers likewise rounded and
/// deduplicated, every category once. Order: the first parameter varies slowest, the last fastest,
/// as nested loops in declaration order. Points already in the study (resumed, enqueued) are
/// skipped; ask() returns std::nullopt once the grid is exhausted. With a warm start, the sources'
/// best configurations come first, then the grid inside their region, mixed with a stated share of
/// the grid outside it (Perrone et al., NeurIPS 2019).
/// Not thread-safe: one object serves one thread (hpo::optimize asks from the calling thread only).
/// Usage: `hpo::GridSearch grid({.points_per_dimension = 5, .points_per_parameter = {{"lr", 10}}});`
class GridSearch {
 public:
  explicit GridSearch(GridSearchOptions options = {}) : options_(std::move(options)) {
    if (options_.points_per_dimension == 0)
      throw std::invalid_argument("hpo::GridSearch: points_per_dimension must be at least 1, got 0");
    for (const auto& [name, points] : options_.points_per_parameter)
      if (points == 0)
        throw std::invalid_argument("hpo::GridSearch: points_per_parameter[\"" + name +
                                    "\"] must be at least 1, got 0");
  }

  /// What the warm start holds, for the study's record (Study::ask stores it); nullopt when cold.
  std::optional<nlohmann::json> transfer_report() const {
    return options_.warm_start.report("grid_search", {WarmStartPart::InitialPoints, WarmStartPart::Region});
  }

  std::optional<Config> ask(const Study& study) {
    require_parameters(study.space(), "hpo::GridSearch");
    prepare(study);
    const WarmStart& warm = options_.warm_start;
    if (warm.empty()) return next_unseen(cursor_, [](const Config&) { return true; });
    check_warm_start_space(warm, study.space(), "hpo::GridSearch");
    if (auto initial = warm.next_initial_point(study)) return initial;
    // Keep the share of outside points at outside_fraction of the grid points asked so far.
    const bool want_outside =
        static_cast<double>(outside_asked_) < warm.options().outside_fraction * static_cast<double>(grid_asked_ + 1);
    auto inside = [&](const Config& c) { return warm.region_contains(c); };
    auto outside = [&](const Config& c) { return !warm.region_contains(c); };
    std::optional<Config> config = want_outside ? next_unseen(outside_cursor_, outside) : next_unseen(cursor_, inside);
    if (!config) config = want_outside ? next_unseen(cursor_, inside) : next_unseen(outside_cursor_, outside);
    if (config) {
      ++grid_asked_;
      outside_asked_ += !warm.region_contains(*config);
    }
    return config;
  }

  /// Number of points in the grid of a space.
  std::uint64_t size(const SearchSpace& space) {
    build_axes(space);
    return size_;
  }

  /// The index-th grid point of the space last asked about, in grid order.
  Config point(std::uint64_t index) const {
    std::vector<std::size_t> position(axes_.size());
    for (std::size_t j = axes_.size(); j-- > 0;) {
      position[j] = static_cast<std::size_t>(index % axes_[j].size());
      index /= axes_[j].size();
    }
    Config config;
    for (std::size_t j = 0; j < axes_.size(); ++j) config.set(names_[j], axes_[j][position[j]]);
    return config;
  }

  const GridSearchOptions& options() const noexcept { return options_; }

 private:
  // The next grid point from `cursor` on that satisfies `wanted` and is not in the study yet.
  template <class Wanted>
  std::optional<Config> next_unseen(std::uint64_t& cursor, Wanted wanted) {
    while (cursor < size_) {
      Config config = point(cursor++);
      if (wanted(config) && !seen_.contains(config)) {
        seen_.insert(config);
        return config;
      }
    }
    return std::nullopt;
  }

  // Starts over on a new study, or when the study is not the one the cursor was built for.
  void prepare(const Study& study) {
    if (!tracker_.follows(study) || names_.size() != study.space().size()) {
      build_axes(study.space());
      cursor_ = 0;
      outside_cursor_ = 0;
      grid_asked_ = 0;
      outside_asked_ = 0;
      seen_.clear();
    }
    seen_.update(study);
  }

  void build_axes(const SearchSpace& space) {
    for (const auto& [name, points] : options_.points_per_parameter) {
      if (!space.contains(name))
        throw std::invalid_argument("hpo::GridSearch: points_per_parameter names \"" + name +
                                    "\" = " + std::to_string(points) + ", which the search space does not define");
    }
    axes_.clear();
    names_.clear();
    size_ = 1;
    for (const auto& parameter : space.parameters()) {
      auto override_points = options_.points_per_parameter.find(parameter.name);
      const std::size_t n = override_points != options_.points_per_parameter.end() ? override_points->second
                                                                                   : options_.points_per_dimension;
      if (n == 0)
        throw std::invalid_argument("hpo::GridSearch: parameter \"" + parameter.name + "\" gets 0 grid points");
      std::vector<Value> axis;
      if (parameter.kind == ParameterKind::Categorical) {
        for (const auto& category : parameter.categories) axis.emplace_back(category);
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          const double t = n == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(n - 1);
          const double x =
              parameter.scale == Scale::Log
                  ? std::exp(std::log(parameter.low) + t * (std::log(parameter.high) - std::log(parameter.low)))
                  : parameter.low + t * (parameter.high - parameter.low);
          Value value = parameter.kind == ParameterKind::Integer ? Value(static_cast<std::int64_t>(std::round(x)))
                                                                 : Value(std::clamp(x, parameter.low, parameter.high));
          if (axis.empty() || axis.back() != value) axis.push_back(std::move(value));
        }
      }
      if (size_ > std::numeric_limits<std::uint64_t>::max() / axis.size())
        throw std::invalid_argument("hpo::GridSearch: the grid has more than 2^64 points (at parameter \"" +
                                    parameter.name + "\")");
      size_ *= axis.size();
      axes_.push_back(std::move(axis));
      names_.push_back(parameter.name);
    }
  }

  GridSearchOptions options_;
  std::vector<std::vector<Value>> axes_;
  std::vector<std::string> names_;
  std::uint64_t size_ = 0;
  std::uint64_t cursor_ = 0;
  std::uint64_t outside_cursor_ = 0;
  std::size_t grid_asked_ = 0;
  std::size_t outside_asked_ = 0;
  detail::StudyTracker tracker_;
  detail::SeenConfigurations seen_;
};

}  // namespace hpo
