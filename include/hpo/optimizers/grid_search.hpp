#pragma once
// Grid search: the full Cartesian grid, in a fixed order.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hpo/optimizers/grid_search/grid_axis.hpp"
#include "hpo/optimizers/grid_search/grid_region.hpp"
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
/// deduplicated, every category once (hpo::grid::GridAxis). Order: the first parameter varies
/// slowest, the last fastest, as nested loops in declaration order. Points already in the study
/// (resumed, enqueued) are skipped; ask() returns std::nullopt once the grid is exhausted. With a
/// warm start, the sources' best configurations come first, then the grid inside their region,
/// mixed with a stated share of the grid outside it (Perrone et al., NeurIPS 2019).
/// Grid points are computed from their index, never stored, so the grid may be as large as 2^64
/// points; an ask costs O(parameters) plus the points it skips because the study holds them,
/// however far the next point inside (or outside) the region lies (hpo::grid::GridRegion).
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
    if (warm.empty()) return next_unseen(cursor_, Side::Any);
    check_warm_start_space(warm, study.space(), "hpo::GridSearch");
    if (auto initial = warm.next_initial_point(study)) return initial;
    if (!warm.uses(WarmStartPart::Region)) return next_unseen(cursor_, Side::Any);
    if (!region_) region_.emplace(axes_, warm);
    // Keep the share of outside points at outside_fraction of the grid points asked so far.
    bool outside =
        static_cast<double>(outside_asked_) < warm.options().outside_fraction * static_cast<double>(grid_asked_ + 1);
    std::optional<Config> config =
        outside ? next_unseen(outside_cursor_, Side::Outside) : next_unseen(cursor_, Side::Inside);
    if (!config) {
      outside = !outside;
      config = outside ? next_unseen(outside_cursor_, Side::Outside) : next_unseen(cursor_, Side::Inside);
    }
    if (config) {
      ++grid_asked_;
      outside_asked_ += outside;
    }
    return config;
  }

  /// Number of points in the grid of a space.
  std::uint64_t size(const SearchSpace& space) {
    build_axes(space);
    return size_;
  }

  /// The index-th grid point (index below size()) of the space last asked about, in grid order.
  Config point(std::uint64_t index) const {
    if (index >= size_)
      throw std::out_of_range("hpo::GridSearch::point: index " + std::to_string(index) + " is past the grid's " +
                              std::to_string(size_) + " points");
    return config_at(position_of(index));
  }

  const GridSearchOptions& options() const noexcept { return options_; }

 private:
  enum class Side { Any, Inside, Outside };

  // The next grid point from `cursor` on, on that side of the region, that is not in the study yet.
  std::optional<Config> next_unseen(std::uint64_t& cursor, Side side) {
    while (cursor < size_) {
      std::optional<grid::Position> next = position_of(cursor);
      if (side == Side::Inside) next = region_->next_inside(std::move(*next));
      if (side == Side::Outside) next = region_->next_outside(*next);
      if (!next) break;
      cursor = index_of(*next) + 1;
      Config config = config_at(*next);
      if (!seen_.contains(config)) {
        seen_.insert(config);
        return config;
      }
    }
    cursor = size_;
    return std::nullopt;
  }

  // Starts over on a new study, or when the study is not the one the cursor was built for.
  void prepare(const Study& study) {
    if (!tracker_.follows(study) || axes_.size() != study.space().size()) {
      build_axes(study.space());
      cursor_ = 0;
      outside_cursor_ = 0;
      grid_asked_ = 0;
      outside_asked_ = 0;
      seen_.clear();
    }
    seen_.update(study);
  }

  // The axes and the grid's size, checked before anything is computed along them.
  void build_axes(const SearchSpace& space) {
    for (const auto& [name, points] : options_.points_per_parameter) {
      if (!space.contains(name))
        throw std::invalid_argument("hpo::GridSearch: points_per_parameter names \"" + name +
                                    "\" = " + std::to_string(points) + ", which the search space does not define");
    }
    std::vector<grid::GridAxis> axes;
    std::uint64_t size = 1;
    for (const auto& parameter : space.parameters()) {
      auto override_points = options_.points_per_parameter.find(parameter.name);
      const std::size_t n = override_points != options_.points_per_parameter.end() ? override_points->second
                                                                                   : options_.points_per_dimension;
      axes.emplace_back(parameter, n);
      if (size > std::numeric_limits<std::uint64_t>::max() / axes.back().size())
        throw std::invalid_argument("hpo::GridSearch: the grid has more than 2^64 points (at parameter \"" +
                                    parameter.name + "\")");
      size *= axes.back().size();
    }
    axes_ = std::move(axes);
    size_ = size;
    region_.reset();
  }

  grid::Position position_of(std::uint64_t index) const {
    grid::Position position(axes_.size());
    for (std::size_t j = axes_.size(); j-- > 0;) {
      position[j] = index % axes_[j].size();
      index /= axes_[j].size();
    }
    return position;
  }

  std::uint64_t index_of(const grid::Position& position) const {
    std::uint64_t index = 0;
    for (std::size_t j = 0; j < axes_.size(); ++j) index = index * axes_[j].size() + position[j];
    return index;
  }

  Config config_at(const grid::Position& position) const {
    Config config;
    for (std::size_t j = 0; j < axes_.size(); ++j) config.set(axes_[j].parameter().name, axes_[j].value(position[j]));
    return config;
  }

  GridSearchOptions options_;
  std::vector<grid::GridAxis> axes_;
  std::optional<grid::GridRegion> region_;  // built on the first ask that needs it
  std::uint64_t size_ = 0;
  std::uint64_t cursor_ = 0;
  std::uint64_t outside_cursor_ = 0;
  std::size_t grid_asked_ = 0;
  std::size_t outside_asked_ = 0;
  detail::StudyTracker tracker_;
  detail::SeenConfigurations seen_;
};

}  // namespace hpo
