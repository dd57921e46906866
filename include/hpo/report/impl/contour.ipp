#pragma once
// Bodies of contour.hpp; see core/linkage.hpp.
#include "hpo/report/contour.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE std::vector<double> cell_edges(const Parameter& p, std::size_t most) {
  std::vector<double> edges{0.0};
  const std::uint64_t values = p.cardinality();
  if (values == 0 || values > most) {
    for (std::size_t c = 1; c <= most; ++c) edges.push_back(static_cast<double>(c) / static_cast<double>(most));
  } else if (p.kind == ParameterKind::Integer && p.scale == Scale::Log) {
    const double a = std::log(p.low - 0.5), b = std::log(p.high + 0.5);
    for (double v = p.low; v < p.high; v += 1.0) edges.push_back((std::log(v + 0.5) - a) / (b - a));
    edges.push_back(1.0);
  } else {
    for (std::uint64_t c = 1; c <= values; ++c) edges.push_back(static_cast<double>(c) / static_cast<double>(values));
  }
  return edges;
}

HPO_INLINE ContourGrid contour_grid(const StudyModel& model, std::size_t px_index, std::size_t py_index,
                                    const Eigen::VectorXd& fixed, int levels) {
  ContourGrid grid{cell_edges(model.space()[px_index], 48), cell_edges(model.space()[py_index], 48), {}, 0.0, 0.0};
  const auto nx = static_cast<Eigen::Index>(grid.x_edges.size() - 1),
             ny = static_cast<Eigen::Index>(grid.y_edges.size() - 1);
  Eigen::MatrixXd points(nx * ny, fixed.size());
  for (Eigen::Index r = 0; r < ny; ++r)
    for (Eigen::Index c = 0; c < nx; ++c) {
      points.row(r * nx + c) = fixed.transpose();
      points(r * nx + c, static_cast<Eigen::Index>(px_index)) =
          (grid.x_edges[static_cast<std::size_t>(c)] + grid.x_edges[static_cast<std::size_t>(c) + 1]) / 2;
      points(r * nx + c, static_cast<Eigen::Index>(py_index)) =
          (grid.y_edges[static_cast<std::size_t>(r)] + grid.y_edges[static_cast<std::size_t>(r) + 1]) / 2;
    }
  const Eigen::VectorXd mean = model.mean(points);
  grid.lowest = mean.minCoeff();
  grid.highest = mean.maxCoeff();
  const double span = grid.highest - grid.lowest;
  for (Eigen::Index k = 0; k < mean.size(); ++k)
    grid.level.push_back(
        span > 0.0 ? std::clamp(static_cast<int>((mean[k] - grid.lowest) / span * levels), 0, levels - 1) : 0);
  return grid;
}

HPO_INLINE void draw_cells(SvgWriter& svg, const ContourGrid& grid, const Frame& frame, int levels) {
  const std::size_t nx = grid.x_edges.size() - 1;
  const auto x = [&](double u) { return frame.left + u * frame.width(); };
  const auto y = [&](double u) { return frame.bottom - u * frame.height(); };
  svg.begin_group("contour-cells");
  for (std::size_t r = 0; r + 1 < grid.y_edges.size(); ++r) {
    for (std::size_t c = 0; c < nx;) {
      const int level = grid.level[r * nx + c];
      std::size_t end = c + 1;
      while (end < nx && grid.level[r * nx + end] == level) ++end;
      svg.rect(x(grid.x_edges[c]), y(grid.y_edges[r + 1]), x(grid.x_edges[end]) - x(grid.x_edges[c]) + 0.4,
               y(grid.y_edges[r]) - y(grid.y_edges[r + 1]) + 0.4, "cell",
               palette::viridis(static_cast<double>(level) / (levels - 1)));
      c = end;
    }
  }
  svg.end_group();
}

HPO_INLINE void draw_colour_bar(SvgWriter& svg, const StudyModel& model, const ContourGrid& grid, const Frame& frame,
                                int levels) {
  const double left = frame.right + 28.0, step = frame.height() / levels;
  svg.text({left, frame.top - 10}, "predicted value", Anchor::Start, "note");
  for (int k = 0; k <= levels; ++k) {
    const double y = frame.top + step * k;
    if (k < levels)
      svg.rect(left, y, 16.0, step + 0.4, "swatch", palette::viridis(static_cast<double>(k) / (levels - 1)));
    const double t = grid.lowest + (grid.highest - grid.lowest) * k / levels;
    svg.text({left + 22, y + 4}, format_number(model.to_value(t), 4), Anchor::Start, "tick-label");
  }
}

}  // namespace detail

HPO_INLINE std::string contour_plot(const StudyDigest& d, const StudyModel& model, std::size_t px_index,
                                    std::size_t py_index, const ReportOptions& options) {
  const SearchSpace& space = d.study->space();
  const int levels = 10;
  const Frame frame{96.0, 30.0, 560.0, 430.0};
  const Trial& best = d.trial(d.ranked.front());
  const detail::ContourGrid grid = detail::contour_grid(model, px_index, py_index, space.to_unit(best.config), levels);
  SvgWriter svg(700.0, frame.bottom + 50.0, d.id("contour"), "Contour of the model of " + d.name);
  detail::draw_cells(svg, grid, frame, levels);
  const Axis x = Axis::parameter(space[px_index], frame.left, frame.right);
  const Axis y = Axis::parameter(space[py_index], frame.bottom, frame.top);
  draw_x_axis(svg, x, frame,
              space[px_index].name +
                  (space[px_index].scale == Scale::Log && space[px_index].is_numeric() ? " (log scale)" : ""),
              -1.0, false);
  draw_y_axis(svg, y, frame,
              space[py_index].name +
                  (space[py_index].scale == Scale::Log && space[py_index].is_numeric() ? " (log scale)" : ""),
              false);
  detail::draw_colour_bar(svg, model, grid, frame, levels);
  svg.begin_group("contour-trials");
  const auto at = [&](const Trial& t) {
    return Point{x(Axis::coordinate(space[px_index], t.config.value(space[px_index].name))),
                 y(Axis::coordinate(space[py_index], t.config.value(space[py_index].name)))};
  };
  // A quarter of the points of the other plots: more would hide the model they sit on.
  const Thinning drawn = thin(d.ranked, std::max<std::size_t>(options.max_points / 4, 1), "trials");
  for (const std::size_t n : drawn.drawn) svg.circle(at(d.trial(n)), 2.8, "trial-dot", {}, trial_tooltip(d.trial(n)));
  svg.circle(at(best), 7.0, "best-ring", {}, "best " + trial_tooltip(best, {}, true));
  svg.end_group();
  if (!drawn.short_note.empty())
    svg.text({frame.right, frame.top - 10}, drawn.short_note + " trials", Anchor::End, "note");
  return svg.finish();
}

}  // namespace hpo::report
