// Search space definition, validation, unit-cube mapping, Config access and the typed binding.
#include <catch2/catch.hpp>

#include <hpo/space/search_space.hpp>
#include <hpo/space/typed_space.hpp>

#include <cmath>
#include <limits>

using Catch::Contains;

namespace {
hpo::SearchSpace mixed_space() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0);
  space.add_real("lr", 1e-5, 1e-1, hpo::Scale::Log);
  space.add_int("units", 16, 256);
  space.add_int("batch", 8, 512, hpo::Scale::Log);
  space.add_categorical("act", {"relu", "tanh", "gelu"});
  return space;
}
}  // namespace

TEST_CASE("bad parameter definitions throw, naming the parameter and the value", "[space]") {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  REQUIRE_THROWS_WITH(space.add_real("", 0.0, 1.0), Contains("empty"));
  REQUIRE_THROWS_WITH(space.add_real("x", 0.0, 2.0), Contains("\"x\"") && Contains("twice"));
  REQUIRE_THROWS_WITH(space.add_int("x", 0, 2), Contains("\"x\""));
  REQUIRE_THROWS_WITH(space.add_real("y", 3.0, 3.0), Contains("\"y\"") && Contains("[3, 3]"));
  REQUIRE_THROWS_WITH(space.add_real("y", 4.0, 3.0), Contains("\"y\"") && Contains("[4, 3]"));
  REQUIRE_THROWS_WITH(space.add_int("n", 5, 5), Contains("\"n\"") && Contains("[5, 5]"));
  const double inf = std::numeric_limits<double>::infinity();
  REQUIRE_THROWS_WITH(space.add_real("y", 0.0, inf), Contains("\"y\"") && Contains("inf"));
  REQUIRE_THROWS_WITH(space.add_real("y", std::nan(""), 1.0), Contains("\"y\"") && Contains("nan"));
  REQUIRE_THROWS_WITH(space.add_real("y", -1.0, 1.0, hpo::Scale::Log), Contains("\"y\"") && Contains("low = -1"));
  REQUIRE_THROWS_WITH(space.add_real("y", 0.0, 1.0, hpo::Scale::Log), Contains("\"y\"") && Contains("low = 0"));
  REQUIRE_THROWS_WITH(space.add_int("n", 0, 8, hpo::Scale::Log), Contains("\"n\"") && Contains("low = 0"));
  REQUIRE_THROWS_WITH(space.add_categorical("c", std::vector<std::string>{}), Contains("\"c\"") && Contains("empty"));
  REQUIRE_THROWS_WITH(space.add_categorical("c", {"a", "b", "a"}),
                      Contains("\"c\"") && Contains("\"a\"") && Contains("twice"));
  REQUIRE_THROWS_WITH(space.add_categorical("c", {"a", ""}), Contains("\"c\"") && Contains("empty"));
  REQUIRE(space.size() == 1);  // nothing half-added
}

TEST_CASE("bounds whose width overflows a double say so, not that they are infinite", "[space][errors]") {
  hpo::SearchSpace space;
  REQUIRE_THROWS_WITH(space.add_real("w", -1e308, 1e308),
                      Contains("\"w\"") && Contains("1e+308") && Contains("width") && !Contains("must be finite"));
  REQUIRE_THROWS_WITH(space.add_real("w", -std::numeric_limits<double>::max(), 1e300), Contains("width"));
  REQUIRE_NOTHROW(space.add_real("w", 0.0, 1e308));
}

TEST_CASE("a NaN or infinite unit coordinate throws, naming the parameter and the value", "[space][errors]") {
  const auto space = mixed_space();
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < space.size(); ++i) {
    for (const double bad : {nan, inf, -inf}) {
      Eigen::VectorXd u = Eigen::VectorXd::Constant(5, 0.5);
      u[static_cast<Eigen::Index>(i)] = bad;
      const std::string name = "\"" + space[i].name + "\"";
      INFO(name << " = " << bad);
      REQUIRE_THROWS_WITH(space.from_unit(u), Contains(name) && Contains(std::isnan(bad) ? "nan" : "inf"));
      REQUIRE_THROWS_AS(space[i].from_unit(bad), std::invalid_argument);
    }
  }
  // Finite coordinates outside [0, 1] still decode, clamped to the bounds.
  REQUIRE(space.from_unit(Eigen::VectorXd::Constant(5, -3.0)) == space.from_unit(Eigen::VectorXd::Zero(5)));
  REQUIRE(space.from_unit(Eigen::VectorXd::Constant(5, 1e300)) == space.from_unit(Eigen::VectorXd::Ones(5)));
}

TEST_CASE("Config::get reads each kind and rejects unknown names and wrong types", "[space]") {
  hpo::Config config;
  config.set("x", 1.5).set("units", 32).set("act", "relu");
  REQUIRE(config.get<double>("x") == 1.5);
  REQUIRE(config.get<float>("x") == 1.5f);
  REQUIRE(config.get<int>("units") == 32);
  REQUIRE(config.get<std::int64_t>("units") == 32);
  REQUIRE(config.get<std::string>("act") == "relu");
  REQUIRE_THROWS_WITH(config.get<double>("lr"), Contains("\"lr\""));
  REQUIRE_THROWS_WITH(config.get<int>("x"), Contains("\"x\"") && Contains("1.5"));
  REQUIRE_THROWS_WITH(config.get<std::string>("units"), Contains("\"units\"") && Contains("32"));
  REQUIRE_THROWS_WITH(config.get<double>("act"), Contains("\"act\"") && Contains("relu"));
  config.set("big", std::int64_t{1} << 40);
  REQUIRE_THROWS_WITH(config.get<int>("big"), Contains("\"big\""));
  REQUIRE(config.to_string() == "x=1.5 units=32 act=\"relu\"" + std::string(" big=1099511627776"));
  // A category's own quotes and backslashes are escaped, so that the printed text is unambiguous.
  REQUIRE(hpo::Config().set("act", std::string("\"gelu\"")).set("path", std::string("a\\b")).to_string() ==
          R"(act="\"gelu\"" path="a\\b")");
}

TEST_CASE("unit-cube mapping round-trips every kind and respects scales", "[space]") {
  const auto space = mixed_space();
  hpo::Config config;
  config.set("x", 2.5).set("lr", 1e-3).set("units", 100).set("batch", 64).set("act", "tanh");
  const Eigen::VectorXd u = space.to_unit(config);
  REQUIRE(u.size() == 5);
  REQUIRE((u.array() >= 0.0).all());
  REQUIRE((u.array() <= 1.0).all());
  REQUIRE(u[0] == Approx(0.5));
  REQUIRE(u[1] == Approx(0.5));  // 1e-3 is the log-midpoint of [1e-5, 1e-1]
  REQUIRE(u[4] == Approx(0.5));  // middle category's cell centre
  const hpo::Config back = space.from_unit(u);
  REQUIRE(back.get<double>("x") == Approx(2.5));
  REQUIRE(back.get<double>("lr") == Approx(1e-3));
  REQUIRE(back.get<int>("units") == 100);
  REQUIRE(back.get<int>("batch") == 64);
  REQUIRE(back.get<std::string>("act") == "tanh");

  // Corners decode to the bounds exactly, for every kind.
  const hpo::Config low = space.from_unit(Eigen::VectorXd::Zero(5));
  const hpo::Config high = space.from_unit(Eigen::VectorXd::Ones(5));
  REQUIRE(low.get<double>("x") == -5.0);
  REQUIRE(high.get<double>("lr") == 1e-1);
  REQUIRE(low.get<int>("units") == 16);
  REQUIRE(high.get<int>("units") == 256);
  REQUIRE(low.get<int>("batch") == 8);
  REQUIRE(high.get<int>("batch") == 512);
  REQUIRE(low.get<std::string>("act") == "relu");
  REQUIRE(high.get<std::string>("act") == "gelu");
}

TEST_CASE("every integer value owns a cell of the unit interval", "[space]") {
  hpo::SearchSpace space;
  space.add_int("n", 1, 4).add_int("m", 1, 1000, hpo::Scale::Log);
  std::vector<int> hits(4, 0);
  for (int i = 0; i < 400; ++i) {
    Eigen::VectorXd u(2);
    u << (i + 0.5) / 400.0, 0.5;
    ++hits[static_cast<std::size_t>(space.from_unit(u).get<int>("n") - 1)];
  }
  REQUIRE(hits == std::vector<int>{100, 100, 100, 100});
  for (int m : {1, 2, 3, 10, 999, 1000}) {
    hpo::Config c;
    c.set("n", 2).set("m", m);
    REQUIRE(space.from_unit(space.to_unit(c)).get<int>("m") == m);
  }
}

TEST_CASE("validate names missing, unknown and out-of-range values", "[space]") {
  const auto space = mixed_space();
  hpo::Config config;
  config.set("x", 2.5).set("lr", 1e-3).set("units", 100).set("batch", 64).set("act", "tanh");
  REQUIRE_NOTHROW(space.validate(config));
  auto missing = config;
  missing = hpo::Config().set("x", 2.5);
  REQUIRE_THROWS_WITH(space.validate(missing), Contains("\"lr\""));
  auto out_of_range = config;
  out_of_range.set("units", 1000);
  REQUIRE_THROWS_WITH(space.validate(out_of_range), Contains("\"units\"") && Contains("1000"));
  auto bad_category = config;
  bad_category.set("act", "sigmoid");
  REQUIRE_THROWS_WITH(space.validate(bad_category), Contains("\"act\"") && Contains("sigmoid"));
  auto wrong_kind = config;
  wrong_kind.set("x", "five");
  REQUIRE_THROWS_WITH(space.validate(wrong_kind), Contains("\"x\"") && Contains("five"));
  auto extra = config;
  extra.set("momentum", 0.9);
  REQUIRE_THROWS_WITH(space.validate(extra), Contains("\"momentum\"") && Contains("0.9"));
}

TEST_CASE("space JSON round-trips and differences are named", "[space]") {
  const auto space = mixed_space();
  const auto again = hpo::SearchSpace::from_json(space.to_json());
  REQUIRE(again == space);
  REQUIRE(space.difference(again).empty());
  hpo::SearchSpace other = mixed_space();
  other.add_real("momentum", 0.0, 1.0);
  REQUIRE_THAT(space.difference(other), Contains("\"momentum\""));
  hpo::SearchSpace changed;
  changed.add_real("x", -5.0, 11.0);
  REQUIRE_THAT(changed.difference(space), Contains("\"x\"") && Contains("11"));
}

namespace {
struct Hyper {
  double lr = 0.0;
  int units = 0;
  std::string act;
  long untouched = 42;
};
}  // namespace

TEST_CASE("TypedSpace binds parameters to struct members", "[space]") {
  hpo::TypedSpace<Hyper> space;
  space.add_real("lr", &Hyper::lr, 1e-5, 1e-1, hpo::Scale::Log)
      .add_int("units", &Hyper::units, 16, 256)
      .add_categorical("act", &Hyper::act, {"relu", "tanh"});
  REQUIRE(space.size() == 3);
  hpo::Config config;
  config.set("lr", 0.01).set("units", 64).set("act", "tanh");
  const Hyper h = space.bind(config);
  REQUIRE(h.lr == 0.01);
  REQUIRE(h.units == 64);
  REQUIRE(h.act == "tanh");
  REQUIRE(h.untouched == 42);
  REQUIRE_THROWS_WITH(space.add_real("lr", &Hyper::lr, 0.0, 1.0), Contains("\"lr\""));

  struct Small {
    std::int8_t n = 0;
  };
  hpo::TypedSpace<Small> small;
  REQUIRE_THROWS_WITH(small.add_int("n", &Small::n, 0, 1000), Contains("\"n\"") && Contains("1000"));
}
