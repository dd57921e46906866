#pragma once
// Bodies of grid_search.hpp; see core/linkage.hpp.
#include "hpo/optimizers/grid_search.hpp"

namespace hpo {

HPO_INLINE std::optional<Config> GridSearch::ask(const Study& study) {
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

HPO_INLINE std::uint64_t GridSearch::size(const SearchSpace& space) {
  build_axes(space);
  return size_;
}

HPO_INLINE Config GridSearch::point(std::uint64_t index) const {
  if (index >= size_)
    throw std::out_of_range("hpo::GridSearch::point: index " + std::to_string(index) + " is past the grid's " +
                            std::to_string(size_) + " points");
  return config_at(position_of(index));
}

HPO_INLINE std::optional<Config> GridSearch::next_unseen(std::uint64_t& cursor, Side side) {
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

HPO_INLINE void GridSearch::prepare(const Study& study) {
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

HPO_INLINE void GridSearch::build_axes(const SearchSpace& space) {
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

HPO_INLINE grid::Position GridSearch::position_of(std::uint64_t index) const {
  grid::Position position(axes_.size());
  for (std::size_t j = axes_.size(); j-- > 0;) {
    position[j] = index % axes_[j].size();
    index /= axes_[j].size();
  }
  return position;
}

HPO_INLINE std::uint64_t GridSearch::index_of(const grid::Position& position) const {
  std::uint64_t index = 0;
  for (std::size_t j = 0; j < axes_.size(); ++j) index = index * axes_[j].size() + position[j];
  return index;
}

HPO_INLINE Config GridSearch::config_at(const grid::Position& position) const {
  Config config;
  for (std::size_t j = 0; j < axes_.size(); ++j) config.set(axes_[j].parameter().name, axes_[j].value(position[j]));
  return config;
}

}  // namespace hpo
