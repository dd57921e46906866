#pragma once
// Contour of the model: the Gaussian process's posterior mean over the two most important
// parameters, the others held at the best trial's values, as filled bands of ten levels (dark:
// better), with the trials on top and the best one ringed. Integer and categorical axes get one
// cell per value, as the model sees them; real axes 48.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/linkage.hpp"
#include "hpo/report/axis.hpp"
#include "hpo/report/frame.hpp"
#include "hpo/report/options.hpp"
#include "hpo/report/palette.hpp"
#include "hpo/report/study_digest.hpp"
#include "hpo/report/study_model.hpp"
#include "hpo/report/svg.hpp"

namespace hpo::report {

namespace detail {
// Cell boundaries of a parameter on its unit interval: one cell per category or per integer value
// when there are at most `most`, else `most` equal cells.
HPO_INLINE std::vector<double> cell_edges(const Parameter& p, std::size_t most);

// The model's level (0 best .. levels-1 worst) of each cell, row-major with rows along y.
struct ContourGrid {
  std::vector<double> x_edges, y_edges;
  std::vector<int> level;
  double lowest = 0.0, highest = 0.0;  // model scale
};

HPO_INLINE ContourGrid contour_grid(const StudyModel& model, std::size_t px_index, std::size_t py_index,
                                    const Eigen::VectorXd& fixed, int levels);

// Cells as rectangles, runs of equal level in a row merged into one.
HPO_INLINE void draw_cells(SvgWriter& svg, const ContourGrid& grid, const Frame& frame, int levels);

HPO_INLINE void draw_colour_bar(SvgWriter& svg, const StudyModel& model, const ContourGrid& grid, const Frame& frame,
                                int levels);
}  // namespace detail

/// The contour of `model` over parameters `px_index` (x) and `py_index` (y), the others at the best
/// trial's values; the trials on top, at most a quarter of options.max_points (see the file comment).
/// Usage: `html += contour_plot(digest, model, order[0], order[1], options);`
HPO_INLINE std::string contour_plot(const StudyDigest& d, const StudyModel& model, std::size_t px_index,
                                    std::size_t py_index, const ReportOptions& options);

}  // namespace hpo::report

#if HPO_BODIES_IN_HEADERS
#include "hpo/report/impl/contour.ipp"
#endif
