#pragma once
// Bodies of warm_start_view.hpp; see core/linkage.hpp.
#include <nlohmann/json.hpp>

#include "hpo/report/warm_start_view.hpp"

namespace hpo::report {

namespace detail {

HPO_INLINE bool has_part(const nlohmann::json& record, const std::string& part) {
  if (!record.contains("parts") || !record["parts"].is_array()) return false;
  for (const auto& p : record["parts"])
    if (p.is_string() && p.get<std::string>() == part) return true;
  return false;
}

HPO_INLINE double number_or(const nlohmann::json& j, const char* key, double fallback) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

HPO_INLINE bool flag(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

HPO_INLINE WarmStartState read_state(const nlohmann::json& record) {
  WarmStartState state;
  state.trial = static_cast<std::size_t>(std::max(number_or(record, "trial", 0.0), 0.0));
  state.target_weight = number_or(record, "target_weight", -1.0);
  bool weighted = false, earning = false;
  if (record.contains("sources") && record["sources"].is_array())
    for (const auto& source : record["sources"]) {
      const double w = number_or(source, "weight", -1.0);
      weighted |= w >= 0.0;
      state.weights.push_back(std::max(w, 0.0));
      earning |= flag(source, "orders_target") && w > 0.0;
      state.source_basis |= flag(source, "in_regression");
    }
  if (!weighted) state.weights.clear();
  state.region_prior = has_part(record, "region") && (!weighted || earning);
  state.source_basis &= has_part(record, "source_basis");
  return state;
}

}  // namespace detail

HPO_INLINE std::vector<WarmStartState> warm_start_history(const Study& study) {
  std::vector<WarmStartState> states;
  for (const auto& record : study.records())
    if (record.is_object() && record.value("kind", std::string()) == "warm_start")
      states.push_back(detail::read_state(record));
  return states;
}

namespace detail {

HPO_INLINE std::string step_path(const std::vector<WarmStartState>& states, const std::vector<double>& values,
                                 const Axis& x, const Axis& y, std::size_t last) {
  std::string path;
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (values[k] < 0.0) continue;
    const double next = k + 1 < states.size() ? static_cast<double>(states[k + 1].trial) : static_cast<double>(last);
    path += (path.empty() ? "M" : "L") + px(x(static_cast<double>(states[k].trial))) + " " + px(y(values[k])) + "H" +
            px(x(next));
  }
  return path;
}

HPO_INLINE std::string region_text(const nlohmann::json& box) {
  if (!box.is_array()) return box.dump();
  if (box.size() == 2 && box[0].is_number() && box[1].is_number())
    return format_number(box[0].get<double>(), 4) + " to " + format_number(box[1].get<double>(), 4);
  std::string text;
  for (const auto& item : box)
    text += (text.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
  return text;
}

HPO_INLINE void draw_strip(SvgWriter& svg, const std::vector<WarmStartState>& states, const Axis& x, double y,
                           std::size_t last, bool WarmStartState::*on, const std::string& label, double left) {
  svg.text({left - 8, y + 10}, label, Anchor::End, "tick-label");
  svg.rect(x(0.0), y, x(static_cast<double>(last)) - x(0.0), 14.0, "strip-off");
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (!(states[k].*on)) continue;
    const double next = k + 1 < states.size() ? static_cast<double>(states[k + 1].trial) : static_cast<double>(last);
    svg.rect(x(static_cast<double>(states[k].trial)), y, x(next) - x(static_cast<double>(states[k].trial)), 14.0,
             "strip-on", {}, label + ": in effect from trial " + std::to_string(states[k].trial));
  }
}

}  // namespace detail

HPO_INLINE std::string warm_start_weights_plot(const StudyDigest& d, const std::vector<std::string>& sources) {
  const auto states = warm_start_history(*d.study);
  const std::size_t last =
      std::max<std::size_t>(d.study->trials().size(), states.empty() ? 1 : states.back().trial + 1);
  std::vector<LegendEntry> legend;
  for (std::size_t s = 0; s < sources.size(); ++s)
    legend.push_back({Mark::Line, std::string(palette::study(s + 1)), sources[s]});
  legend.push_back({Mark::DashedLine, "#444444", "target model"});
  const double legend_rows = legend_height(legend, 150.0, 1040.0);
  const Frame frame{150.0, 28.0 + legend_rows, 1040.0, 28.0 + legend_rows + 160.0};
  const Axis x = Axis::linear(0.0, static_cast<double>(last), frame.left, frame.right, true, true);
  const Axis y = Axis::linear(0.0, 1.0, frame.bottom, frame.top, true);
  SvgWriter svg(1060.0, frame.bottom + 100.0, d.id("warm-start"), "Warm-start weights of " + d.name);
  draw_legend(svg, legend, frame.left, 16.0, frame.right);
  draw_y_axis(svg, y, frame, "ensemble weight");
  for (std::size_t s = 0; s < sources.size(); ++s) {
    std::vector<double> weights;
    for (const auto& st : states) weights.push_back(s < st.weights.size() ? st.weights[s] : -1.0);
    const auto path = detail::step_path(states, weights, x, y, last);
    if (!path.empty()) svg.path(path, "weight-line", palette::study(s + 1), {}, sources[s] + ": ensemble weight");
  }
  std::vector<double> target_weights;
  for (const auto& st : states) target_weights.push_back(st.target_weight);
  const auto target = detail::step_path(states, target_weights, x, y, last);
  if (!target.empty()) svg.path(target, "weight-line dashed", "#444444", {}, "target model: ensemble weight");
  detail::draw_strip(svg, states, x, frame.bottom + 12.0, last, &WarmStartState::region_prior, "search region",
                     frame.left);
  detail::draw_strip(svg, states, x, frame.bottom + 30.0, last, &WarmStartState::source_basis, "source basis",
                     frame.left);
  Frame below = frame;
  below.bottom = frame.bottom + 50.0;
  draw_x_axis(svg, x, below, "trial number", -1.0, false);
  return svg.finish();
}

HPO_INLINE std::string warm_start_view(const StudyDigest& d) {
  const auto latest = d.study->warm_start_record();
  if (!latest || !latest->is_object()) return {};
  const nlohmann::json& r = *latest;
  std::string html =
      "<p>Warm-started" +
      (r.contains("optimizer") && r["optimizer"].is_string() ? " by " + escape(r["optimizer"].get<std::string>())
                                                             : std::string()) +
      ". Parts of the transfer in use: ";
  std::string parts;
  if (detail::has_part(r, "initial_points"))
    parts += "initial points (" + format_number(detail::number_or(r, "initial_points", 0.0), 6) +
             " configurations evaluated first), ";
  if (detail::has_part(r, "region")) parts += "search region (a prior on where to look), ";
  if (detail::has_part(r, "surrogate")) parts += "surrogate (the sources' models in a ranking-weighted ensemble), ";
  if (detail::has_part(r, "source_basis"))
    parts += "source basis (the sources' means as regression features of the target model), ";
  if (detail::has_part(r, "hyperparameter_prior"))
    parts += "hyperparameter prior (from 5 sources on, their length scales as the target model's prior), ";
  html += parts.empty() ? "none.</p>\n" : escape(parts.substr(0, parts.size() - 2)) + ".</p>\n";
  std::vector<std::string> names;
  std::vector<std::vector<Cell>> rows;
  if (r.contains("sources") && r["sources"].is_array())
    for (const auto& s : r["sources"]) {
      names.push_back(s.is_object() && s.contains("origin") && s["origin"].is_string()
                          ? s["origin"].get<std::string>()
                          : "source " + std::to_string(names.size() + 1));
      const double w = detail::number_or(s, "weight", -1.0);
      rows.push_back({{names.back()},
                      number_cell(detail::number_or(s, "trials", 0.0), 17),
                      number_cell(detail::number_or(s, "dropped", 0.0), 17),
                      w < 0.0 ? Cell{"not yet"} : number_cell(w, 3),
                      {detail::flag(s, "orders_target") ? "yes" : "no"},
                      {detail::flag(s, "in_regression") ? "yes" : "no"}});
    }
  html += html_table({"source", "trials used", "trials dropped", "latest weight",
                      "orders the target better than chance", "in the regression"},
                     rows);
  if (r.contains("region") && r["region"].is_object()) {
    std::vector<std::vector<Cell>> region;
    for (const auto& [name, box] : r["region"].items()) region.push_back({{name}, {detail::region_text(box)}});
    html += "<p>Search region (the box around the sources' best configurations, with a margin):</p>\n" +
            html_table({"parameter", "region"}, region, "plain");
  }
  bool weighted = false;
  for (const auto& state : warm_start_history(*d.study)) weighted |= !state.weights.empty();
  if (!weighted) return html;
  return html + "<figure>" + warm_start_weights_plot(d, names) +
         "<figcaption>Each source\u2019s weight in the surrogate ensemble (RGPE) as the trials came in, and the target "
         "model\u2019s "
         "(dashed). Below: when the search region acted as a prior on the acquisition, and when some source was in the "
         "target "
         "model\u2019s regression (the source basis).</figcaption></figure>\n";
}

}  // namespace hpo::report
