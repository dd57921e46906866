#pragma once
// Bodies of importance.hpp; see core/linkage.hpp.
#include "hpo/report/importance.hpp"

namespace hpo::report {

HPO_INLINE std::vector<std::size_t> Importance::order() const {
  std::vector<std::size_t> order(share.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return share[a] > share[b]; });
  return order;
}

namespace detail {

HPO_INLINE std::vector<std::pair<double, double>> integration_grid(const Parameter& p) {
  std::vector<std::pair<double, double>> grid;
  if (p.kind == ParameterKind::Categorical) {
    const double k = static_cast<double>(p.categories.size());
    for (std::size_t c = 0; c < p.categories.size(); ++c) grid.push_back({(static_cast<double>(c) + 0.5) / k, 1.0 / k});
  } else if (p.kind == ParameterKind::Integer && p.cardinality() <= 16) {
    // Value v's cell ends where v + 1/2 maps (Parameter::to_unit's cells, log-spaced for a log scale).
    const double a = std::log(p.low - 0.5), b = std::log(p.high + 0.5);
    double previous = 0.0;
    for (double v = p.low; v <= p.high; v += 1.0) {
      const double end = v == p.high             ? 1.0
                         : p.scale == Scale::Log ? (std::log(v + 0.5) - a) / (b - a)
                                                 : (v - p.low + 1.0) / (p.high - p.low + 1.0);
      grid.push_back({(previous + end) / 2, end - previous});
      previous = end;
    }
  } else {
    for (int c = 0; c < 16; ++c) grid.push_back({(c + 0.5) / 16.0, 1.0 / 16.0});
  }
  return grid;
}

HPO_INLINE MainEffect main_effect(const StudyModel& model, const Eigen::MatrixXd& base, std::size_t i) {
  const auto grid = integration_grid(model.space()[i]);
  const Eigen::Index n = base.rows(), g = static_cast<Eigen::Index>(grid.size());
  Eigen::MatrixXd points(n * g, base.cols());
  for (Eigen::Index k = 0; k < g; ++k) {
    points.middleRows(k * n, n) = base;
    points.col(static_cast<Eigen::Index>(i)).segment(k * n, n).setConstant(grid[static_cast<std::size_t>(k)].first);
  }
  const Eigen::VectorXd predicted = model.mean(points);
  double overall = 0.0;
  for (Eigen::Index k = 0; k < g; ++k)
    overall += grid[static_cast<std::size_t>(k)].second * predicted.segment(k * n, n).mean();
  MainEffect effect;
  for (Eigen::Index k = 0; k < g; ++k) {
    const double w = grid[static_cast<std::size_t>(k)].second;
    const Eigen::ArrayXd column = predicted.segment(k * n, n).array();
    const double average = column.mean(), within = (column - average).square().sum() / static_cast<double>(n - 1);
    effect.variance += w * ((average - overall) * (average - overall) - within / static_cast<double>(n));
    effect.total += w * (column - overall).square().mean();
  }
  return effect;
}

}  // namespace detail

HPO_INLINE Importance functional_anova(const StudyModel& model, std::uint64_t seed, Eigen::Index samples) {
  Importance result;
  if (!model.usable()) {
    result.reason = model.reason();
    return result;
  }
  const auto d = static_cast<Eigen::Index>(model.space().size());
  Rng rng(seed, 0x1A7);
  Eigen::MatrixXd base(samples, d);
  for (Eigen::Index r = 0; r < samples; ++r)
    for (Eigen::Index c = 0; c < d; ++c) base(r, c) = rng.uniform();
  std::vector<detail::MainEffect> effects;
  double total = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    effects.push_back(detail::main_effect(model, base, static_cast<std::size_t>(i)));
    total += effects.back().total / static_cast<double>(d);
  }
  result.method =
      "Functional ANOVA main effects (Hutter, Hoos & Leyton-Brown, ICML 2014) of the Gaussian process drawn in the "
      "contour plot, " +
      model.description() +
      ": the share of the variance of its posterior mean, over the whole "
      "space, that each parameter explains on its own, estimated from " +
      std::to_string(samples) +
      " random points per value of the parameter. \u201cInteractions\u201d is what no parameter explains alone.";
  if (!(total > 1e-12)) {
    result.reason = "the model predicts the same value everywhere: no parameter matters to it";
    return result;
  }
  double explained = 0.0;
  for (const auto& effect : effects) {
    result.share.push_back(std::clamp(effect.variance / total, 0.0, 1.0));
    explained += result.share.back();
  }
  // Main effects of an additive model sum to its variance; Monte-Carlo noise can take the estimates
  // a little past it, and then they are scaled back so that the shares still add up.
  if (explained > 1.0)
    for (double& share : result.share) share /= explained;
  result.interactions = std::max(0.0, 1.0 - explained);
  return result;
}

HPO_INLINE std::string importance_plot(const Importance& importance, const SearchSpace& space, const std::string& id) {
  const auto order = importance.order();
  const double row = 24.0, width = 700.0;
  Frame frame{190.0, 16.0, width - 70.0, 16.0 + row * static_cast<double>(order.size() + 1)};
  double largest = importance.interactions;
  for (const double s : importance.share) largest = std::max(largest, s);
  const Axis x = Axis::linear(0.0, std::max(largest * 100.0, 1.0), frame.left, frame.right);
  SvgWriter svg(width, frame.bottom + 48.0, id, "Parameter importance");
  draw_x_axis(svg, x, frame, "share of the model\u2019s variance explained (%)");
  const auto bar = [&](std::size_t k, const std::string& name, double share, std::string_view colour) {
    const double y = frame.top + row * static_cast<double>(k) + 4.0;
    const std::string label = shorten(name, 28);
    svg.text({frame.left - 8, y + 12}, label, Anchor::End, "bar-label", 0.0,
             label == name ? std::string_view{} : std::string_view(name));
    svg.rect(frame.left, y, x(share * 100.0) - frame.left, row - 8.0, "bar", colour,
             name + ": " + format_number(share * 100.0, 3) + "%");
    svg.text({x(share * 100.0) + 5, y + 12}, format_number(std::round(share * 1000.0) / 10.0, 3) + "%", Anchor::Start,
             "bar-value");
  };
  for (std::size_t k = 0; k < order.size(); ++k)
    bar(k, space[order[k]].name, importance.share[order[k]], palette::completed);
  bar(order.size(), "interactions", importance.interactions, palette::neutral);
  return svg.finish();
}

}  // namespace hpo::report
