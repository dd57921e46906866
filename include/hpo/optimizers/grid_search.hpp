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

#include "hpo/core/linkage.hpp"
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

  std::optional<Config> ask(const Study& study);

  /// Number of points in the grid of a space.
  std::uint64_t size(const SearchSpace& space);

  /// The index-th grid point (index below size()) of the space last asked about, in grid order.
  Config point(std::uint64_t index) const;

  const GridSearchOptions& options() const noexcept { return options_; }

 private:
  enum class Side { Any, Inside, Outside };

  // The next grid point from `cursor` on, on that side of the region, that is not in the study yet.
  std::optional<Config> next_unseen(std::uint64_t& cursor, Side side);

  // Starts over on a new study, or when the study is not the one the cursor was built for.
  void prepare(const Study& study);

  // The axes and the grid's size, checked before anything is computed along them.
  void build_axes(const SearchSpace& space);

  grid::Position position_of(std::uint64_t index) const;

  std::uint64_t index_of(const grid::Position& position) const;

  Config config_at(const grid::Position& position) const;

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

#if HPO_BODIES_IN_HEADERS
#include "hpo/optimizers/impl/grid_search.ipp"
#endif
