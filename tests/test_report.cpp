// Report: the SVG of each plot for hand-made studies (point counts, axis ranges, log and category
// ticks, legends), escaping, well-formed HTML (xmllint when installed, and our own tag check),
// degenerate studies without "nan" or "inf", bad input, determinism and the hpo-report program.
#include <catch2/catch.hpp>

#include <hpo/report.hpp>

#include "support/temp_files.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using Catch::Contains;

namespace {

std::string report_temp_path(const std::string& name) { return hpo_test::temp_path("report", name); }

using hpo_test::read_file;

// A study read from journal lines written here: the only way to give trials intermediate values,
// workers and a pruned state before the pruning and parallel APIs exist.
hpo::Study load_lines(const std::string& name, const std::vector<std::string>& lines) {
  const auto path = report_temp_path(name + ".jsonl");
  std::ofstream out(path, std::ios::binary);
  for (const auto& line : lines) out << line << '\n';
  out.close();
  return hpo::Study::load(path);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The texts of the elements of class `cls` inside the first group whose class starts with `group`.
std::vector<std::string> texts_in(const std::string& svg, const std::string& group,
                                  const std::string& cls = "tick-label") {
  const auto start = svg.find("<g class=\"" + group);
  REQUIRE(start != std::string::npos);
  const auto end = svg.find("</g>", start);
  const std::string part = svg.substr(start, end - start);
  std::vector<std::string> texts;
  const std::regex text("<text[^>]*class=\"" + cls + "[^\"]*\"[^>]*>(<title>[^<]*</title>)?([^<]*)</text>");
  for (auto it = std::sregex_iterator(part.begin(), part.end(), text); it != std::sregex_iterator(); ++it)
    texts.push_back((*it)[2]);
  return texts;
}

std::vector<std::string> labels(const hpo::report::Axis& axis) {
  std::vector<std::string> out;
  for (const auto& tick : axis.ticks()) out.push_back(tick.label);
  return out;
}

hpo::SearchSpace report_space() {
  hpo::SearchSpace space;
  space.add_real("x", -2.0, 2.0)
      .add_real("lr", 1e-4, 1e-1, hpo::Scale::Log)
      .add_int("units", 8, 512, hpo::Scale::Log)
      .add_categorical("act", {"relu", "tanh", "elu"});
  return space;
}

// A mixed study with a known shape: x matters most, act a little, lr and units hardly.
hpo::Study mixed_study(std::size_t n, std::size_t failed = 0) {
  hpo::Study study(report_space());
  hpo::Rng rng(11);
  const char* acts[] = {"relu", "tanh", "elu"};
  const std::size_t total = n + failed;
  for (std::size_t i = 0; i < total; ++i) {
    hpo::Config c;
    c.set("x", rng.uniform(-2.0, 2.0))
        .set("lr", std::exp(rng.uniform(std::log(1e-4), std::log(1e-1))))
        .set("units", static_cast<std::int64_t>(8 + rng.below(505)))
        .set("act", acts[rng.below(3)]);
    const auto trial = study.ask(c);
    if (i % 7 == 3 && failed > 0) {
      --failed;
      study.fail(trial.number, "diverged: loss was <nan> & worse");
      continue;
    }
    const double x = c.get<double>("x");
    study.tell(trial.number, (x - 0.5) * (x - 0.5) + (c.get<std::string>("act") == "tanh" ? 0.3 : 0.0) +
                                 1e-3 * std::log(c.get<double>("lr")));
  }
  return study;
}

const hpo::ReportOptions kOptions{};

hpo::report::StudyDigest digest(const hpo::Study& study, std::size_t index = 0,
                                const hpo::ReportOptions& options = kOptions) {
  return hpo::report::StudyDigest::of(study, "study " + std::to_string(index + 1), index, options);
}

// Our own well-formedness check: every tag closed in order, attributes quoted, only the five XML
// entities and numeric references; the script is skipped (it is CDATA).
void check_well_formed(const std::string& html) {
  std::vector<std::string> open;
  const std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)((\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<]*")*)\s*(/?)>)");
  std::size_t at = html.find("<html");
  REQUIRE(at != std::string::npos);
  while (at < html.size()) {
    const auto lt = html.find('<', at);
    const std::string text = html.substr(at, lt == std::string::npos ? std::string::npos : lt - at);
    for (auto amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1))
      REQUIRE(std::regex_search(text.substr(amp, 8), std::regex("^&(amp|lt|gt|quot|#[0-9]+);")));
    if (lt == std::string::npos) break;
    std::smatch m;
    const std::string rest = html.substr(lt, 4000);
    INFO("at: " << rest.substr(0, 120));
    REQUIRE(std::regex_search(rest, m, tag, std::regex_constants::match_continuous));
    const std::string name = m[2];
    if (m[1] == "/") {
      REQUIRE(!open.empty());
      REQUIRE(open.back() == name);
      open.pop_back();
    } else if (m[5] != "/") {
      open.push_back(name);
    }
    at = lt + static_cast<std::size_t>(m.length(0));
    if (name == "script" && m[1] != "/") at = html.find("</script>", at);
  }
  REQUIRE(open.empty());
  // Every id once: a link to a duplicated one lands on whichever the browser finds first.
  std::set<std::string> ids;
  const std::regex id_attribute(R"re(\sid="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_attribute); it != std::sregex_iterator(); ++it) {
    INFO("id: " << (*it)[1]);
    REQUIRE(ids.insert((*it)[1]).second);
  }
}

bool has_program(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// xmllint's strict XML check, and its HTML parser with only the HTML5/SVG tag names it does not
// know excused; skipped (with a warning) where xmllint is not installed.
void check_with_xmllint(const std::string& path) {
  if (!has_program("xmllint")) {
    WARN("xmllint not installed (Debian package libxml2-utils): only our own check ran");
    return;
  }
  REQUIRE(std::system(("xmllint --noout '" + path + "'").c_str()) == 0);
  const std::string errors = path + ".xmllint";
  std::system(("xmllint --html --noout '" + path + "' 2> '" + errors + "'").c_str());
  std::istringstream lines(read_file(errors));
  const std::regex excused(
      R"(HTML parser error : Tag (svg|g|path|line|rect|circle|polyline|text|section|nav|main|figure|figcaption|footer|header) invalid)");
  for (std::string line; std::getline(lines, line);) {
    if (line.find("parser error") == std::string::npos) continue;
    INFO(line);
    REQUIRE(std::regex_search(line, excused));
  }
}

bool mentions_nan_or_inf(const std::string& text) {
  return std::regex_search(text, std::regex(R"(\b(nan|inf|infinity)\b)", std::regex::icase));
}

}  // namespace

TEST_CASE("text is escaped, numbers are locale-free and never nan or inf", "[report]") {
  using namespace hpo::report;
  REQUIRE(escape("a<b&\"c\"'d'>") == "a&lt;b&amp;&quot;c&quot;&#39;d&#39;&gt;");
  REQUIRE(px(12.345) == "12.3");
  REQUIRE(px(-0.01) == "0");
  REQUIRE(px(std::nan("")) == "0");
  REQUIRE(px(HUGE_VAL) == "0");
  REQUIRE(px(1e300) == "100000");
  REQUIRE(format_number(0.000123456) == "0.0001235");
  REQUIRE(format_number(3e300) == "3e300");
  REQUIRE(format_number(-2.5e-7) == "-2.5e-7");
  REQUIRE(format_number(0.25) == "0.25");
  REQUIRE(format_number(1234567.0) == "1.235e6");
  REQUIRE(format_number(std::nan("")) == "n/a");
  REQUIRE(shorten("abcdefgh", 5) == "abcd\u2026");
  REQUIRE(shorten("abc", 5) == "abc");
  REQUIRE(shorten("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 3) == "\u00e9\u00e9\u2026");
}

TEST_CASE("linear axes widen to nice ticks, integer axes tick whole numbers, degenerate ranges widen", "[report]") {
  using hpo::report::Axis;
  const Axis y = Axis::linear(0.03, 0.97, 300, 0);
  REQUIRE(y.lo() == 0.0);
  REQUIRE(y.hi() == 1.0);
  REQUIRE(labels(y) == std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1"});
  REQUIRE(y(0.0) == 300.0);
  REQUIRE(y(1.0) == 0.0);
  REQUIRE(y(5.0) == 0.0);  // clamped

  const Axis epochs =
      Axis::parameter(hpo::Parameter{"epochs", hpo::ParameterKind::Integer, 5, 15, hpo::Scale::Linear, {}}, 0, 300);
  REQUIRE(labels(epochs) == std::vector<std::string>{"5", "10", "15"});
  REQUIRE(epochs.lo() == 4.5);
  REQUIRE(epochs.hi() == 15.5);

  const Axis flat = Axis::linear(2.0, 2.0, 0, 100);
  REQUIRE(flat.lo() < 2.0);
  REQUIRE(flat.hi() > 2.0);
  const Axis huge = Axis::linear(-1e308, 1e308, 0, 100);
  REQUIRE(std::isfinite(huge(0.0)));
  REQUIRE(huge(0.0) == Approx(50.0));
  for (const auto& label : labels(huge)) REQUIRE_FALSE(mentions_nan_or_inf(label));
}

TEST_CASE("log axes tick powers of ten, with 2 and 5 on short ranges, category axes name every category", "[report]") {
  using hpo::report::Axis;
  const Axis lr = Axis::log(1e-5, 1.0, 0, 400, true);
  REQUIRE(labels(lr) == std::vector<std::string>{"1e-5", "0.0001", "0.001", "0.01", "0.1", "1"});
  REQUIRE(lr(1e-3) == Approx(2.0 / 5.0 * 400));

  const Axis units =
      Axis::parameter(hpo::Parameter{"units", hpo::ParameterKind::Integer, 8, 512, hpo::Scale::Log, {}}, 0, 400);
  REQUIRE(labels(units) == std::vector<std::string>{"10", "20", "50", "100", "200", "500"});

  const hpo::Parameter act{"act", hpo::ParameterKind::Categorical, 0, 0, hpo::Scale::Linear, {"relu", "tanh", "elu"}};
  const Axis categories = Axis::parameter(act, 0, 300);
  REQUIRE(labels(categories) == act.categories);
  REQUIRE(categories(1.0) == Approx(150.0));
  // The axis puts a value where the unit cube does, so that a model drawn on the cube lines up.
  REQUIRE(categories(2.0) == Approx(300 * act.to_unit(hpo::Value(std::string("elu")))));
  const hpo::Parameter units_p{"units", hpo::ParameterKind::Integer, 8, 512, hpo::Scale::Log, {}};
  REQUIRE(units(100.0) == Approx(400 * units_p.to_unit(hpo::Value(std::int64_t{100}))));

  std::vector<std::string> many;
  for (int k = 0; k < 40; ++k) many.push_back("category-" + std::to_string(k));
  const auto crowded = Axis::categories(many, 0, 400).labelled_ticks(false);
  REQUIRE(crowded.size() < many.size());
  REQUIRE(crowded.size() >= 2);
}

TEST_CASE("history: a dot per completed trial, a cross per failure, a legend entry per study, axes over the data",
          "[report]") {
  hpo::Study a(report_space()), b(report_space());
  const double values[] = {4.0, 2.5, 3.0, 1.0, 0.5};
  for (double v : values) {
    a.tell(a.ask(a.space().from_unit(Eigen::VectorXd::Constant(4, v / 5))).number, v);
    b.tell(b.ask(b.space().from_unit(Eigen::VectorXd::Constant(4, v / 6))).number, v + 0.25);
  }
  a.fail(a.ask(a.space().from_unit(Eigen::VectorXd::Constant(4, 0.1))).number, "out of memory");
  const std::string svg = hpo::report::history_plot({digest(a, 0), digest(b, 1)}, kOptions);
  REQUIRE(count(svg, "class=\"dot\"") == 10);
  REQUIRE(count(svg, "class=\"failed-mark\"") == 1);
  REQUIRE(count(svg, "class=\"best-line\"") == 2);
  REQUIRE(count(svg, "<circle cx") - count(svg, "class=\"dot\"") == 2);  // the studies' legend marks
  REQUIRE(count(svg, "class=\"legend-entry\"") == 4);                    // 2 studies, running best, failed
  REQUIRE_THAT(svg,
               Contains("study 1: 6 trials, best 0.5 (trial 4)") && Contains("study 2: 5 trials, best 0.75 (trial 4)"));
  REQUIRE(texts_in(svg, "axis x-axis") == std::vector<std::string>{"0", "1", "2", "3", "4", "5"});
  REQUIRE(texts_in(svg, "axis y-axis") == std::vector<std::string>{"0", "1", "2", "3", "4", "5"});
  REQUIRE_THAT(svg, Contains("trial 5: failed (out of memory)"));
}

TEST_CASE("history: pruned trials are triangles at their last value, a log value axis over many decades", "[report]") {
  const std::string header =
      R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"x","kind":"real","low":0,"high":1,"scale":"linear"}]})";
  const hpo::Study study = load_lines(
      "pruned",
      {header,
       R"({"type":"trial","number":0,"state":"completed","value":1000,"config":{"x":0.1},"started_at":100,"duration":2})",
       R"({"type":"trial","number":1,"state":"pruned","config":{"x":0.2},"intermediate":[[1,50],[2,20]],"started_at":102,"duration":1})",
       R"({"type":"trial","number":2,"state":"completed","value":0.01,"config":{"x":0.3},"intermediate":[[1,5],[2,0.5],[3,0.01]],"started_at":103,"duration":3})",
       R"({"type":"trial","number":3,"state":"pruned","config":{"x":0.4},"started_at":106,"duration":0.5})"});
  const std::string svg = hpo::report::history_plot({digest(study)}, kOptions);
  REQUIRE(count(svg, "class=\"pruned-mark\"") == 2);
  REQUIRE(count(svg, "class=\"dot\"") == 2);
  REQUIRE(texts_in(svg, "axis y-axis") == std::vector<std::string>{"0.01", "0.1", "1", "10", "100", "1000"});
  REQUIRE_THAT(svg, Contains("trial 1: pruned"));
}

TEST_CASE("parallel coordinates: a line per completed trial through log, integer and category axes", "[report]") {
  const hpo::Study study = mixed_study(30, 3);
  const std::string svg = hpo::report::parallel_coordinates_plot(digest(study), kOptions);
  REQUIRE(count(svg, "class=\"trace\"") == 30);
  REQUIRE(count(svg, "class=\"axis pc-axis\"") == 5);
  std::vector<std::vector<std::string>> axes;
  for (auto at = svg.find("<g class=\"axis pc-axis\""); at != std::string::npos;
       at = svg.find("<g class=\"axis pc-axis\"", at + 1))
    axes.push_back(texts_in(svg.substr(at), "axis pc-axis"));
  REQUIRE(axes[1] == std::vector<std::string>{"0.0001", "0.001", "0.01", "0.1"});
  REQUIRE(axes[2] == std::vector<std::string>{"10", "20", "50", "100", "200", "500"});
  REQUIRE(axes[3] == std::vector<std::string>{"relu", "tanh", "elu"});
  REQUIRE_THAT(svg, Contains("not drawn: 3 failed trials"));
  // Every trace has one point per axis.
  const std::regex trace("<polyline points=\"([^\"]*)\" class=\"trace\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), trace); it != std::sregex_iterator(); ++it)
    REQUIRE(count((*it)[1].str(), ",") == 5);
}

TEST_CASE("slices: one plot per parameter with a dot per completed trial, thinning says so", "[report]") {
  const hpo::Study study = mixed_study(25, 2);
  const std::string svgs = hpo::report::slice_plots(digest(study), kOptions);
  REQUIRE(count(svgs, "<svg ") == 4);
  REQUIRE(count(svgs, "<circle") == 4 * 25);
  REQUIRE_THAT(svgs,
               Contains(">lr (log scale)</text>") && Contains(">units (log scale)</text>") && Contains(">act</text>"));
  REQUIRE(texts_in(svgs.substr(svgs.find("id=\"s0-slice-3\"")), "axis x-axis") ==
          std::vector<std::string>{"relu", "tanh", "elu"});

  const hpo::Study big = mixed_study(300);
  const hpo::ReportOptions few{.max_points = 100};
  const auto thinned = digest(big, 0, few);
  REQUIRE(thinned.drawn.drawn.size() == 100);
  for (std::size_t r = 0; r < 10; ++r)  // the best tenth is always drawn
    REQUIRE(std::find(thinned.drawn.drawn.begin(), thinned.drawn.drawn.end(), thinned.ranked[r]) !=
            thinned.drawn.drawn.end());
  REQUIRE_THAT(hpo::report::history_plot({thinned}, few), Contains("showing 100 of 300 completed trials: the best 10"));
  REQUIRE(count(hpo::report::history_plot({thinned}, few), "class=\"dot\"") == 100);
  const std::string slices = hpo::report::slice_plots(thinned, few);  // small plots: half as many
  REQUIRE(count(slices, "<circle") == 4 * 50);
  REQUIRE_THAT(slices, Contains("showing 50 of 300"));
}

TEST_CASE("importance: functional ANOVA on the GP ranks the parameter that matters first, the contour draws it",
          "[report]") {
  const hpo::Study study = mixed_study(60);
  const auto d = digest(study);
  const auto model = hpo::report::StudyModel::fit(d, kOptions);
  REQUIRE(model.usable());
  const auto importance = hpo::report::functional_anova(model, 0);
  REQUIRE(importance.share.size() == 4);
  const auto order = importance.order();
  REQUIRE(order[0] == 0);  // x
  REQUIRE(importance.share[0] > 0.5);
  REQUIRE(importance.share[0] + importance.share[1] + importance.share[2] + importance.share[3] +
              importance.interactions ==
          Approx(1.0));
  REQUIRE_THAT(importance.method, Contains("Hutter, Hoos & Leyton-Brown") && Contains("all 60 completed trials"));
  const std::string bars = hpo::report::importance_plot(importance, study.space(), "imp");
  REQUIRE(count(bars, "class=\"bar\"") == 5);

  const std::string contour = hpo::report::contour_plot(d, model, order[0], order[1], kOptions);
  REQUIRE(count(contour, "class=\"trial-dot\"") == 60);
  REQUIRE(count(hpo::report::contour_plot(d, model, order[0], order[1], {.max_points = 80}), "class=\"trial-dot\"") ==
          20);
  REQUIRE(count(contour, "class=\"best-ring\"") == 1);
  REQUIRE(count(contour, "class=\"cell\"") > 10);
  // The model has learned the shape: lowest near x = 0.5 (u = 0.625), higher at the ends.
  Eigen::MatrixXd u = Eigen::MatrixXd::Constant(3, 4, 0.5);
  u(0, 0) = 0.0, u(1, 0) = 0.625, u(2, 0) = 1.0;
  const Eigen::VectorXd mean = model.mean(u);
  REQUIRE(mean[1] < mean[0]);
  REQUIRE(mean[1] < mean[2]);
  REQUIRE(model.to_value(mean[1]) < 0.5);
  REQUIRE(model.to_value(-1e9) < model.to_value(1e9));
}

TEST_CASE("the model's mean over more points than a batch equals each point's own mean", "[report]") {
  // A categorical of 130 categories: a batch holds 125 points, and the importance grid alone is
  // 130 x 128 points, which the model predicts batch by batch rather than as one matrix.
  hpo::SearchSpace space;
  std::vector<std::string> names;
  for (int k = 0; k < 130; ++k) names.push_back("c" + std::to_string(k));
  space.add_real("x", 0.0, 1.0).add_categorical("c", names);
  hpo::Study study(space);
  hpo::Rng rng(6);
  for (int i = 0; i < 30; ++i) {
    const double x = rng.uniform();
    const int c = static_cast<int>(rng.uniform() * 130);
    study.tell(study.ask(hpo::Config().set("x", x).set("c", names[static_cast<std::size_t>(c)])).number,
               (x - 0.4) * (x - 0.4) + 0.01 * (c % 7));
  }
  const auto model = hpo::report::StudyModel::fit(digest(study), kOptions);
  REQUIRE(model.usable());
  Eigen::MatrixXd u(300, 2);
  for (Eigen::Index r = 0; r < u.rows(); ++r) u.row(r) << rng.uniform(), rng.uniform();
  const Eigen::VectorXd mean = model.mean(u);
  REQUIRE(mean.size() == u.rows());
  for (Eigen::Index r = 0; r < u.rows(); r += 37) CHECK(mean[r] == Approx(model.mean(u.row(r))[0]).epsilon(1e-12));
  const auto importance = hpo::report::functional_anova(model, 1);
  REQUIRE(importance.share.size() == 2);
  REQUIRE(importance.reason.empty());
}

TEST_CASE("the model of a study whose penalties are the largest double still shows the good region", "[report]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_real("y", 0.0, 1.0);
  for (const auto direction : {hpo::Direction::Minimize, hpo::Direction::Maximize}) {
    const double sign = direction == hpo::Direction::Minimize ? 1.0 : -1.0;
    hpo::Study study(space, direction);
    hpo::Rng rng(4);
    for (int i = 0; i < 60; ++i) {
      const double x = rng.uniform(), y = rng.uniform();
      // Infeasible beyond x = 0.6 (40% of the space): the worst value there is.
      const double value = x > 0.6 ? std::numeric_limits<double>::max() : (x - 0.3) * (x - 0.3) + (y - 0.5) * (y - 0.5);
      study.tell(study.ask(hpo::Config().set("x", x).set("y", y)).number, sign * value);
    }
    INFO(hpo::to_string(direction));
    const auto model = hpo::report::StudyModel::fit(digest(study), kOptions);
    REQUIRE(model.usable());
    Eigen::MatrixXd u(4, 2);
    u << 0.3, 0.5, 0.05, 0.5, 0.3, 0.95, 0.9, 0.5;
    const Eigen::VectorXd mean = model.mean(u);
    REQUIRE(mean.allFinite());
    REQUIRE(mean[0] < mean[1]);  // within the feasible part, the minimum is told apart
    REQUIRE(mean[0] < mean[2]);
    REQUIRE(mean[1] < mean[3]);  // and the infeasible part is worst
    REQUIRE(sign * model.to_value(mean[0]) < 0.05);
    REQUIRE(std::isfinite(model.to_value(mean[3])));
    const std::string html = hpo::render_report({&study});
    REQUIRE_FALSE(mentions_nan_or_inf(html));
  }
}

TEST_CASE("intermediate values: a line per reporting trial, pruned ones ending in a triangle", "[report]") {
  const std::string header =
      R"({"type":"study","format":"hpo-journal","version":1,"direction":"maximize","space":[{"name":"x","kind":"real","low":0,"high":1,"scale":"linear"}]})";
  const hpo::Study study = load_lines(
      "intermediate",
      {header,
       R"({"type":"trial","number":0,"state":"completed","value":0.9,"config":{"x":0.1},"intermediate":[[1,0.5],[2,0.8],[3,0.9]],"started_at":100,"duration":3})",
       R"({"type":"trial","number":1,"state":"pruned","value":0.3,"config":{"x":0.2},"intermediate":[[1,0.2],[2,0.3]],"started_at":103,"duration":2})",
       R"({"type":"trial","number":2,"state":"failed","error":"nope","config":{"x":0.3},"intermediate":[[1,0.1]],"started_at":105,"duration":1})",
       R"({"type":"trial","number":3,"state":"completed","value":0.7,"config":{"x":0.4},"started_at":106,"duration":1})"});
  const auto d = digest(study);
  REQUIRE(d.has_intermediate);
  const std::string svg = hpo::report::intermediate_plot(d, kOptions);
  REQUIRE(count(svg, "<polyline") == 3);
  REQUIRE(count(svg, "class=\"pruned-mark\"") == 1);
  REQUIRE(count(svg, "class=\"failed-mark\"") == 1);
  REQUIRE(texts_in(svg, "axis x-axis") == std::vector<std::string>{"1", "2", "3"});
  REQUIRE(hpo::report::intermediate_plot(digest(mixed_study(5)), kOptions).empty());
}

TEST_CASE("timeline: one lane per worker when the journal names them, else per overlapping trial", "[report]") {
  const std::string header =
      R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"x","kind":"real","low":0,"high":1,"scale":"linear"}]})";
  const hpo::Study workers = load_lines(
      "workers",
      {header,
       R"({"type":"trial","number":0,"state":"completed","value":1,"config":{"x":0.1},"worker":"node-a:101","started_at":100,"duration":10})",
       R"({"type":"trial","number":1,"state":"completed","value":2,"config":{"x":0.2},"worker":"node-b:202","started_at":101,"duration":10})",
       R"({"type":"trial","number":2,"state":"failed","error":"x","config":{"x":0.3},"worker":"node-a:101","started_at":111,"duration":5})"});
  const std::string svg = hpo::report::timeline_plot(digest(workers));
  REQUIRE_THAT(svg, Contains(">node-a:101</text>") && Contains(">node-b:202</text>"));
  REQUIRE(count(svg, "class=\"bar\"") == 3);
  REQUIRE(texts_in(svg, "axis x-axis").front() == "0");
  REQUIRE(texts_in(svg, "axis x-axis").back() == "16");

  const hpo::Study overlapping = load_lines(
      "overlap",
      {header,
       R"({"type":"trial","number":0,"state":"completed","value":1,"config":{"x":0.1},"started_at":100,"duration":10})",
       R"({"type":"trial","number":1,"state":"completed","value":2,"config":{"x":0.2},"started_at":105,"duration":10})",
       R"({"type":"trial","number":2,"state":"completed","value":3,"config":{"x":0.3},"started_at":111,"duration":2})"});
  const std::string lanes = hpo::report::timeline_plot(digest(overlapping));
  REQUIRE_THAT(lanes, Contains(">lane 1</text>") && Contains(">lane 2</text>"));
  REQUIRE(count(lanes, ">lane ") == 2);
}

TEST_CASE("warm start: sources, parts, region, and each source's weight over the trials", "[report]") {
  const std::string header =
      R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"x","kind":"real","low":0,"high":1,"scale":"linear"}]})";
  const std::string base =
      R"("kind":"warm_start","optimizer":"bayesian_optimization","initial_points":2,"parts":["initial_points","region","surrogate","source_basis"],"region":{"x":[0.25,0.75]})";
  std::vector<std::string> lines{
      header,
      R"({"type":"record",)" + base + R"(,"sources":[{"origin":"a<b>.jsonl","trials":20,"dropped":1}],"trial":0})"};
  for (int n = 0; n < 6; ++n)
    lines.push_back(R"({"type":"trial","number":)" + std::to_string(n) + R"(,"state":"completed","value":)" +
                    std::to_string(1.0 / (n + 1)) + R"(,"config":{"x":0.5},"started_at":100,"duration":1})");
  lines.push_back(
      R"({"type":"record",)" + base +
      R"(,"sources":[{"origin":"a<b>.jsonl","trials":20,"dropped":1,"weight":0.7,"orders_target":true,"in_regression":false}],"target_weight":0.3,"trial":3})");
  lines.push_back(
      R"({"type":"record",)" + base +
      R"(,"sources":[{"origin":"a<b>.jsonl","trials":20,"dropped":1,"weight":0.0,"orders_target":false,"in_regression":true}],"target_weight":1.0,"trial":5})");
  const hpo::Study study = load_lines("warm", lines);
  const auto history = hpo::report::warm_start_history(study);
  REQUIRE(history.size() == 3);
  REQUIRE(history[0].region_prior);  // before the first weights, the region acts
  REQUIRE(history[1].region_prior);
  REQUIRE_FALSE(history[2].region_prior);  // no source earns it any more
  REQUIRE_FALSE(history[1].source_basis);
  REQUIRE(history[2].source_basis);
  const std::string html = hpo::report::warm_start_view(digest(study));
  REQUIRE_THAT(
      html, Contains("a&lt;b&gt;.jsonl") && Contains("initial points (2 configurations") && Contains("0.25 to 0.75"));
  REQUIRE(count(html, "class=\"weight-line\"") == 1);
  REQUIRE(count(html, "class=\"weight-line dashed\"") == 1);
  REQUIRE(count(html, "class=\"strip-on\"") == 3);  // region at trials 0 and 3, basis at 5
  REQUIRE(hpo::report::warm_start_view(digest(mixed_study(4))).empty());
}

TEST_CASE("names and categories with <, & and \" are escaped everywhere, and the page stays well-formed", "[report]") {
  hpo::SearchSpace space;
  space.add_real("a<b & \"c\"", 0.0, 1.0).add_categorical("kind", {"x<y", "&amp", "\"q\"", "it's"});
  hpo::Study study(space);
  const char* kinds[] = {"x<y", "&amp", "\"q\"", "it's"};
  for (int i = 0; i < 12; ++i) {
    hpo::Config c;
    c.set("a<b & \"c\"", i / 12.0).set("kind", kinds[i % 4]);
    study.tell(study.ask(c).number, std::sin(i) + (i % 4));
  }
  const std::string html =
      hpo::render_report({&study}, {.title = "<script>alert(1)</script>", .value_label = "loss & \"error\""});
  REQUIRE(html.find("a<b") == std::string::npos);
  REQUIRE(html.find("x<y") == std::string::npos);
  REQUIRE(html.find("<script>alert") == std::string::npos);
  REQUIRE_THAT(html, Contains("a&lt;b &amp; &quot;c&quot;") && Contains("x&lt;y") && Contains("&amp;amp") &&
                         Contains("&quot;q&quot;") && Contains("it&#39;s") && Contains("loss &amp; &quot;error&quot;"));
  check_well_formed(html);
  const auto path = report_temp_path("escaping.html");
  hpo::report::write_file(path, html);
  check_with_xmllint(path);
}

TEST_CASE("a full report is well-formed, self-contained and has every section", "[report]") {
  const hpo::Study cold = mixed_study(40, 4), warm = mixed_study(30);
  const auto path = report_temp_path("full.html");
  hpo::write_report({cold, warm}, path, {.study_names = {"cold", "warm"}});
  const std::string html = read_file(path);
  check_well_formed(html);
  check_with_xmllint(path);
  REQUIRE(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no link out but the SVG namespace
  REQUIRE(html.find("https://") == std::string::npos);
  REQUIRE(html.find("src=") == std::string::npos);
  for (const char* id : {"id=\"history\"", "id=\"history-plot\"", "id=\"s0-study\"", "id=\"s1-study\"",
                         "id=\"s0-importance-plot\"", "id=\"s0-contour\"", "id=\"s0-parallel\"", "id=\"s0-slice-3\"",
                         "id=\"s1-timeline\""})
    REQUIRE_THAT(html, Contains(id));
  REQUIRE_THAT(html, Contains(">cold</td>") && Contains(">warm</td>"));
  REQUIRE_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("degenerate studies give a page without nan or inf", "[report]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0).add_real("fixed", 1.0, 2.0).add_int("n", 1, 3).add_categorical("c", {"a", "b"});
  const auto study_of = [&](const std::vector<double>& values, bool vary) {
    hpo::Study study(space);
    for (std::size_t i = 0; i < values.size(); ++i) {
      hpo::Config c;
      c.set("x", vary ? static_cast<double>(i) / static_cast<double>(values.size()) : 0.5)
          .set("fixed", 1.5)
          .set("n", std::int64_t{2})
          .set("c", "a");
      study.tell(study.ask(c).number, values[i]);
    }
    return study;
  };
  const std::vector<std::pair<const char*, hpo::Study>> cases{
      {"one trial", study_of({3.0}, true)},
      {"constant values", study_of({2.0, 2.0, 2.0, 2.0, 2.0}, true)},
      {"huge values", study_of({1e300, -1e300, 1.0, 1e308, -1e308, 0.0}, true)},
      {"tiny values", study_of({1e-310, 2e-310, 3e-310, 4e-310}, true)},
      {"no parameter varied", study_of({1.0, 2.0, 3.0, 4.0}, false)},
      {"empty", hpo::Study(space)}};
  for (const auto& [name, study] : cases) {
    INFO(name);
    const std::string html = hpo::render_report({&study});
    REQUIRE_FALSE(mentions_nan_or_inf(html));
    check_well_formed(html);
  }
  hpo::Study no_parameters{hpo::SearchSpace{}};
  for (double v : {1.0, 3.0, 2.0}) no_parameters.tell(no_parameters.ask(hpo::Config{}).number, v);
  const std::string html = hpo::render_report({&no_parameters});
  REQUIRE_THAT(html, Contains("No importance: the search space has no parameter"));
  REQUIRE_FALSE(mentions_nan_or_inf(html));
  check_well_formed(html);
}

TEST_CASE("an empty study says it has no trials, and one whose trials all failed lists why", "[report]") {
  const hpo::Study empty(report_space());
  REQUIRE_THAT(hpo::render_report({&empty}), Contains("This study has no trials yet"));

  hpo::Study failed(report_space());
  for (int i = 0; i < 3; ++i)
    failed.fail(failed.ask(failed.space().from_unit(Eigen::VectorXd::Constant(4, 0.2 * i))).number,
                "segfault in <solver>");
  const std::string html = hpo::render_report({&failed});
  REQUIRE_THAT(html, Contains("No trial completed") && Contains("3 \u00d7 segfault in &lt;solver&gt;"));
  REQUIRE(count(html, "class=\"failed-mark\"") == 3);
  REQUIRE_FALSE(mentions_nan_or_inf(html));
}

TEST_CASE("bad input: no study, other spaces or directions, a path that cannot be written", "[report]") {
  REQUIRE_THROWS_AS(hpo::render_report({}), std::invalid_argument);
  hpo::SearchSpace other;
  other.add_real("y", 0.0, 1.0);
  const hpo::Study a(report_space()), b(other), c(report_space(), hpo::Direction::Maximize);
  REQUIRE_THROWS_WITH(hpo::render_report({&a, &b}, {.study_names = {"first", "second"}}),
                      Contains("\"second\"") && Contains("another search space") && Contains("parameter \"x\""));
  REQUIRE_THROWS_WITH(hpo::render_report({&a, &c}), Contains("maximize"));
  const std::string unwritable = "/nonexistent-hpo-dir/report.html";
  REQUIRE_THROWS_WITH(hpo::write_report(a, unwritable), Contains(unwritable));
  REQUIRE_THROWS_WITH(hpo::Study::load("/nonexistent-hpo-dir/run.jsonl"), Contains("/nonexistent-hpo-dir/run.jsonl"));
}

TEST_CASE("the same study gives byte-identical HTML, also when read again from its journal", "[report]") {
  const hpo::Study study = mixed_study(40, 2);
  const std::string first = hpo::render_report({&study});
  REQUIRE(hpo::render_report({&study}) == first);
  const auto path = report_temp_path("roundtrip.jsonl");
  study.save(path);
  const hpo::Study once = hpo::Study::load(path), twice = hpo::Study::load(path);
  const hpo::ReportOptions named{.study_names = {"run"}};
  std::string loaded = hpo::render_report({&once}, named);
  REQUIRE(hpo::render_report({&twice}, named) == loaded);
  // Only the journal's path tells the pages apart: values, configurations and times survive the journal.
  REQUIRE(count(loaded, path) == 1);
  loaded.replace(loaded.find(path), path.size(), "(built in memory)");
  REQUIRE(loaded == hpo::render_report({&study}, named));
}

TEST_CASE("the text summary lists counts, the best trials, failures and the space", "[report]") {
  const hpo::Study study = mixed_study(20, 2);
  const std::string text = hpo::report::summary(study, "run.jsonl", 3);
  REQUIRE_THAT(text, Contains("run.jsonl: minimize, 4 parameters") && Contains("22 trials: 20 completed, 2 failed") &&
                         Contains("best:  " + hpo::report::format_number(study.best().value, 8)) &&
                         Contains("failed: 2 x diverged") && Contains("lr  real [0.0001, 0.1] log"));
}

#ifdef HPO_REPORT_TOOL
TEST_CASE("hpo-report: usage with no arguments (exit 2), a report and a summary from journals, errors naming the path",
          "[report]") {
  const std::string tool = HPO_REPORT_TOOL, out = report_temp_path("tool.out");
  REQUIRE(WEXITSTATUS(std::system((tool + " > '" + out + "' 2>&1").c_str())) == 2);
  REQUIRE_THAT(read_file(out), Contains("usage: hpo-report"));

  const hpo::Study study = mixed_study(15, 1);
  const auto journal = report_temp_path("tool.jsonl"), html = report_temp_path("tool.html");
  study.save(journal);
  REQUIRE(std::system((tool + " '" + journal + "' '" + journal + "' -o '" + html + "' > '" + out + "' 2>&1").c_str()) ==
          0);
  REQUIRE_THAT(read_file(html), Contains("id=\"s1-study\""));
  REQUIRE(std::system((tool + " --summary '" + journal + "' > '" + out + "' 2>&1").c_str()) == 0);
  REQUIRE_THAT(read_file(out), Contains("15 completed, 1 failed"));

  REQUIRE(WEXITSTATUS(std::system((tool + " /nonexistent-hpo-dir/x.jsonl > '" + out + "' 2>&1").c_str())) == 1);
  REQUIRE_THAT(read_file(out), Contains("/nonexistent-hpo-dir/x.jsonl"));
  REQUIRE(WEXITSTATUS(std::system(
              (tool + " '" + journal + "' -o /nonexistent-hpo-dir/r.html > '" + out + "' 2>&1").c_str())) == 1);
  REQUIRE_THAT(read_file(out), Contains("/nonexistent-hpo-dir/r.html"));
  REQUIRE(WEXITSTATUS(std::system((tool + " '" + journal + "' --bogus > '" + out + "' 2>&1").c_str())) == 2);
  REQUIRE_THAT(read_file(out), Contains("unknown option \"--bogus\""));
}
#endif
