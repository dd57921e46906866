// Study: ask/tell by hand, best(), failures, the JSON Lines journal, resume and its errors.
#include <catch2/catch.hpp>

#include <hpo/optimizers/random_search.hpp>
#include <hpo/study/study.hpp>

#include "fuzz/round_trip.hpp"
#include "support/temp_files.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using Catch::Contains;
using Catch::StartsWith;

namespace {
hpo::SearchSpace small_space() {
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 10.0).add_int("n", 1, 9).add_categorical("act", {"relu", "tanh"});
  return space;
}

std::string study_temp_path(const std::string& name) { return hpo_test::temp_path("study", name); }

using hpo_test::read_file;
}  // namespace

TEST_CASE("ask/tell by hand with several trials outstanding, told out of order", "[study]") {
  hpo::Study study(small_space());
  hpo::RandomSearch random({.seed = 3});
  auto a = study.ask(random);
  auto b = study.ask(random);
  auto c = study.ask(random);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  REQUIRE(study.running_count() == 3);
  REQUIRE(a->config != b->config);
  study.tell(c->number, 3.0);
  study.tell(a->number, 1.0);
  study.fail(b->number, "simulator crashed");
  REQUIRE(study.completed_count() == 2);
  REQUIRE(study.failed_count() == 1);
  REQUIRE(study.best().number == a->number);
  REQUIRE(study.best().value == 1.0);
  REQUIRE(study.trial(b->number).error == "simulator crashed");
  REQUIRE_THROWS_WITH(study.tell(a->number, 0.5), Contains("trial 0") && Contains("completed"));
  REQUIRE_THROWS_WITH(study.tell(17, 0.5), Contains("17"));
}

TEST_CASE("non-finite values and malformed gradients fail the trial with a reason", "[study]") {
  hpo::Study study(small_space());
  hpo::RandomSearch random;
  const double values[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  const char* reasons[] = {"nan", "inf", "-inf"};
  for (int i = 0; i < 3; ++i) {
    auto t = study.ask(random);
    const auto& told = study.tell(t->number, values[i]);
    REQUIRE(told.failed());
    REQUIRE_THAT(told.error, Contains(reasons[i]));
  }
  auto t = study.ask(random);
  const auto& told = study.tell(t->number, hpo::Evaluation{.value = 1.0, .gradient = Eigen::VectorXd::Ones(3)});
  REQUIRE(told.failed());
  REQUIRE_THAT(told.error, Contains("3 entries") && Contains("expected 1"));
  auto g = study.ask(random);
  REQUIRE(
      study.tell(g->number, hpo::Evaluation{.value = 2.0, .gradient = Eigen::VectorXd::Constant(1, 0.5)}).completed());
  REQUIRE(study.best().gradient[0] == 0.5);
}

TEST_CASE("best() follows the direction and throws, quoting the first failure, when none completed", "[study]") {
  hpo::Study minimize(small_space());
  hpo::Study maximize(small_space(), hpo::Direction::Maximize);
  hpo::RandomSearch random;
  REQUIRE_THROWS_WITH(minimize.best(), Contains("no trial completed"));
  auto f = minimize.ask(random);
  minimize.fail(f->number, "misspelt parameter \"lrr\"");
  REQUIRE_THROWS_WITH(minimize.best(), Contains("lrr"));
  for (double v : {2.0, 1.0, 3.0}) {
    minimize.tell(minimize.ask(random)->number, v);
    maximize.tell(maximize.ask(random)->number, v);
  }
  REQUIRE(minimize.best().value == 1.0);
  REQUIRE(maximize.best().value == 3.0);
}

TEST_CASE("enqueued configurations come first and are validated", "[study]") {
  hpo::Study study(small_space());
  hpo::Config config;
  config.set("x", 1.0).set("n", 3).set("act", "tanh");
  study.enqueue(config);
  hpo::RandomSearch random;
  REQUIRE(study.ask(random)->config == config);
  REQUIRE(study.ask(random)->config != config);
  config.set("n", 30);
  REQUIRE_THROWS_WITH(study.enqueue(config), Contains("\"n\"") && Contains("30"));
}

TEST_CASE("save and load round-trip every field", "[study][journal]") {
  const auto path = study_temp_path("roundtrip.jsonl");
  hpo::Study study(small_space(), hpo::Direction::Maximize);
  hpo::RandomSearch random({.seed = 11});
  for (int i = 0; i < 5; ++i) study.tell(study.ask(random)->number, 0.1 * i);
  study.fail(study.ask(random)->number, "diverged");
  study.add_record({{"kind", "note"}, {"text", "hello"}});
  study.save(path);
  const auto again = hpo::Study::load(path);
  REQUIRE(again.space() == study.space());
  REQUIRE(again.direction() == hpo::Direction::Maximize);
  REQUIRE(again.trials().size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    REQUIRE(again.trials()[i].config == study.trials()[i].config);
    REQUIRE(again.trials()[i].state == study.trials()[i].state);
    if (study.trials()[i].completed()) REQUIRE(again.trials()[i].value == study.trials()[i].value);  // exact
  }
  REQUIRE(again.trials()[5].error == "diverged");
  REQUIRE(again.best().number == study.best().number);
  REQUIRE(again.records().size() == 1);
  REQUIRE(again.records()[0]["text"] == "hello");
  std::filesystem::remove(path);
}

TEST_CASE("a journal keeps pruned trials, intermediate values and workers", "[study][journal]") {
  const auto path = study_temp_path("pruned.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"x","kind":"real","low":0.0,"high":1.0,"scale":"linear"}]})"
           "\n"
        << R"({"type":"trial","number":0,"state":"completed","value":0.5,"config":{"x":0.5},"intermediate":[[1,0.9],[3,0.5]],"worker":"node1:42"})"
           "\n"
        << R"({"type":"trial","number":1,"state":"pruned","value":0.8,"config":{"x":0.25},"intermediate":[[1,0.8]]})"
           "\n"
        << R"({"type":"trial","number":2,"state":"pruned","config":{"x":0.75}})"
           "\n";
  }
  const auto study = hpo::Study::load(path);
  REQUIRE(study.trials().size() == 3);
  REQUIRE(study.completed_count() == 1);
  REQUIRE(study.pruned_count() == 2);
  REQUIRE(study.finished_count() == 3);
  REQUIRE(study.running_count() == 0);
  REQUIRE(study.trials()[0].intermediate == std::map<std::int64_t, double>{{1, 0.9}, {3, 0.5}});
  REQUIRE(study.trials()[0].worker == "node1:42");
  REQUIRE(study.trials()[1].pruned());
  REQUIRE(study.trials()[1].value == 0.8);
  REQUIRE(std::isnan(study.trials()[2].value));
  REQUIRE(study.best().number == 0);  // a pruned trial never is the best
  study.save(path);
  const auto again = hpo::Study::load(path);
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(again.trials()[i].state == study.trials()[i].state);
    REQUIRE(again.trials()[i].intermediate == study.trials()[i].intermediate);
    REQUIRE(again.trials()[i].worker == study.trials()[i].worker);
  }
  REQUIRE(again.trials()[1].value == 0.8);
  std::filesystem::remove(path);
}

TEST_CASE("a journal records each trial as it starts and ends, and resumes", "[study][journal]") {
  const auto path = study_temp_path("live.jsonl");
  hpo::RandomSearch random({.seed = 5});
  {
    auto study = hpo::Study::open(path, small_space());
    auto a = study.ask(random);
    study.tell(a->number, 4.0);
    auto b = study.ask(random);  // in flight when the study goes
    (void)b;
    auto text = read_file(path);
    REQUIRE(std::count(text.begin(), text.end(), '\n') == 4);  // header, start, finish, start
  }
  // Trial 1's study closed before it finished: the resumed study marks it lost, and counts it.
  auto resumed = hpo::Study::open(path, small_space());
  REQUIRE(resumed.trials().size() == 2);
  REQUIRE(resumed.trials()[0].value == 4.0);
  REQUIRE(resumed.trials()[1].failed());
  REQUIRE_THAT(resumed.trials()[1].error, StartsWith("lost: no heartbeat from ") && Contains("closed the study"));
  resumed.tell(resumed.ask(random)->number, 2.0);
  REQUIRE(hpo::Study::load(path).trials().size() == 3);
  REQUIRE(hpo::Study::load(path).completed_count() == 2);
  std::filesystem::remove(path);
}

TEST_CASE("a record cut off by a crash is skipped with a warning and removed by the next writer", "[study][journal]") {
  const auto path = study_temp_path("truncated.jsonl");
  {
    auto study = hpo::Study::open(path, small_space());
    hpo::RandomSearch random;
    for (int i = 0; i < 3; ++i) study.tell(study.ask(random)->number, i);
  }
  // Cut the journal in the middle of the last trial's finish line, as a crash while writing would.
  const auto full = read_file(path);
  const auto last_finish = full.rfind('\n', full.rfind("\"type\":\"finish\"")) + 1;
  REQUIRE(last_finish > 0);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << full.substr(0, last_finish + 20);
  const auto loaded = hpo::Study::load(path);
  REQUIRE(loaded.trials().size() == 3);
  REQUIRE(loaded.trials()[2].running());
  auto resumed = hpo::Study::open(path, small_space());  // trial 2's study is gone: lost
  REQUIRE(resumed.trials().size() == 3);
  REQUIRE(resumed.trials()[2].failed());
  hpo::RandomSearch random;
  resumed.tell(resumed.ask(random)->number, 7.0);
  const auto reloaded = hpo::Study::load(path);  // the repaired file parses cleanly
  REQUIRE(reloaded.trials().size() == 4);
  REQUIRE(reloaded.trials()[3].value == 7.0);
  REQUIRE(read_file(path).find(full.substr(last_finish, 20) + "\n") == std::string::npos);  // the fragment is gone
  std::filesystem::remove(path);
}

TEST_CASE("malformed journals are errors naming the file and line", "[study][journal]") {
  const auto path = study_temp_path("malformed.jsonl");
  {
    auto study = hpo::Study::open(path, small_space());
    hpo::RandomSearch random;
    for (int i = 0; i < 3; ++i) study.tell(study.ask(random)->number, i);
  }
  auto lines = read_file(path);
  const auto second_newline = lines.find('\n', lines.find('\n') + 1);
  lines.insert(second_newline + 1, "{not json}\n");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << lines;
  REQUIRE_THROWS_WITH(hpo::Study::load(path), Contains(path) && Contains("line 3"));
  REQUIRE_THROWS_WITH(hpo::Study::load(study_temp_path("does_not_exist.jsonl")), Contains("does_not_exist.jsonl"));
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "{\"type\":\"trial\"}\n";
  REQUIRE_THROWS_WITH(hpo::Study::load(path), Contains("line 1") && Contains("header"));
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << hpo::detail::header_to_json(small_space(), hpo::Direction::Minimize).dump() << "\n"
      << R"({"type":"trial","number":0,"state":"completed","value":1.0,"config":{"x":99.0,"n":1,"act":"relu"}})"
      << "\n"
      << R"({"type":"trial","number":1,"state":"completed","value":1.0,"config":{"x":1.0,"n":1,"act":"relu"}})"
      << "\n";
  REQUIRE_THROWS_WITH(hpo::Study::load(path), Contains("line 2") && Contains("\"x\"") && Contains("99"));
  std::filesystem::remove(path);
}

TEST_CASE("opening a journal of another space or direction names the difference", "[study][journal]") {
  const auto path = study_temp_path("other_space.jsonl");
  { auto study = hpo::Study::open(path, small_space()); }
  hpo::SearchSpace other = small_space();
  other.add_real("momentum", 0.0, 1.0);
  REQUIRE_THROWS_WITH(hpo::Study::open(path, other), Contains(path) && Contains("\"momentum\""));
  hpo::SearchSpace narrowed;
  narrowed.add_real("x", -5.0, 5.0).add_int("n", 1, 9).add_categorical("act", {"relu", "tanh"});
  REQUIRE_THROWS_WITH(hpo::Study::open(path, narrowed), Contains("\"x\""));
  REQUIRE_THROWS_WITH(hpo::Study::open(path, small_space(), hpo::Direction::Maximize), Contains("minimize"));
  std::filesystem::remove(path);
}

namespace {
// A journal of small_space() with one hand-written line after the header.
std::string journal_with(const std::string& name, const std::string& line) {
  const auto path = study_temp_path(name);
  std::ofstream(path, std::ios::binary) << hpo::detail::header_to_json(small_space(), hpo::Direction::Minimize).dump()
                                        << "\n"
                                        << line << "\n";
  return path;
}
}  // namespace

TEST_CASE("save() refuses the study's own journal, which it keeps appending to", "[study][journal][errors]") {
  const auto path = study_temp_path("save_onto_self.jsonl");
  auto study = hpo::Study::open(path, small_space());
  hpo::RandomSearch random;
  study.tell(study.ask(random)->number, 1.0);
  REQUIRE_THROWS_WITH(study.save(path), Contains(path) && Contains("own journal"));
  const auto same_file = std::filesystem::path(path).parent_path() / "." / std::filesystem::path(path).filename();
  REQUIRE_THROWS_WITH(study.save(same_file.string()), Contains("own journal"));
  study.tell(study.ask(random)->number, 2.0);  // later trials still reach the journal
  REQUIRE(hpo::Study::load(path).completed_count() == 2);
  std::filesystem::remove(path);
}

TEST_CASE("a failed save leaves no temporary file and names the path", "[study][errors]") {
  const auto directory = std::filesystem::temp_directory_path() / "hpo_test_no_such_dir";
  std::filesystem::remove_all(directory);
  hpo::Study study(small_space());
  const auto path = (directory / "study.jsonl").string();
  // The path as the user gave it, and why; not the temporary file's name beside it.
  REQUIRE_THROWS_WITH(study.save(path), Contains("\"" + path + "\"") && Contains("its folder does not exist") &&
                                            !Contains(".tmp."));
  REQUIRE_FALSE(std::filesystem::exists(directory));
}

TEST_CASE("text that is not UTF-8: a failure's reason is repaired, names and categories are refused",
          "[study][errors]") {
  const auto path = study_temp_path("latin1.jsonl");
  auto study = hpo::Study::open(path, small_space());
  hpo::RandomSearch random;
  const auto trial = study.ask(random);
  const auto& failed = study.fail(trial->number, "caf\xE9 au lait");  // Latin-1
  REQUIRE(failed.error == "caf\xEF\xBF\xBD au lait");
  REQUIRE(hpo::Study::load(path).trials()[0].error == failed.error);  // memory and journal agree
  hpo::SearchSpace space;
  REQUIRE_THROWS_WITH(space.add_real("caf\xE9", 0.0, 1.0), Contains("caf\\xE9") && Contains("UTF-8"));
  REQUIRE_THROWS_WITH(space.add_categorical("drink", {"tea", "caf\xE9"}),
                      Contains("\"drink\"") && Contains("caf\\xE9"));
  std::filesystem::remove(path);
}

TEST_CASE("journal lines are read with tell()'s rules and exact numbers, naming the line", "[study][journal][errors]") {
  const auto check = [](const std::string& line, const std::vector<std::string>& expected) {
    const auto path = journal_with("strict.jsonl", line);
    INFO(line);
    try {
      (void)hpo::Study::load(path);
      FAIL("loaded");
    } catch (const std::exception& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Contains(path) && Contains("line 2"));
      for (const auto& part : expected) CHECK_THAT(message, Contains(part));
    }
    std::filesystem::remove(path);
  };
  const std::string config = R"("config":{"x":1.0,"n":2,"act":"relu"})";
  check(R"({"type":"trial","state":"completed","value":1.0,"gradient":[1.0,2.0],)" + config + "}",
        {"a completed trial has a gradient of 2 entries; expected 1"});
  check(R"({"type":"trial","state":"completed","value":1.0,"gradient":["a"],)" + config + "}", {"gradient"});
  check(R"({"type":"trial","state":"completed","value":1e999,)" + config + "}", {"malformed JSON"});
  check(R"({"type":"trial","state":"completed","value":"1",)" + config + "}", {"\"value\"", "not a number"});
  check(R"({"type":"trial","state":"completed","value":1.0,"config":{"x":1.0,"n":1e300,"act":"relu"}})",
        {"\"n\"", "1e+300"});
  check(R"({"type":"trial","state":"completed","value":1.0,"config":{"x":1.0,"n":3.7,"act":"relu"}})",
        {"\"n\"", "3.7", "not an integer"});
  check(R"({"type":"trial","state":"completed","value":1.0,"config":{"x":1.0,"n":2,"act":"relu","extra":1}})",
        {"\"extra\""});
  check(R"({"type":"finish","number":1e300,"state":"completed","value":1.0,)" + config + "}", {"\"number\""});
  check(R"({"type":"trial","number":1e300,"state":"completed","value":1.0,)" + config + "}", {"\"number\""});
  check(R"({"type":"start","number":-1,)" + config + "}", {"\"number\"", "-1"});
  check(R"({"type":"finish","number":5,"state":"completed","value":1.0,)" + config + "}",
        {"trial 5", "no line started"});
  check(R"({"type":"record","kind":"note","deep":)" + std::string(100, '[') + std::string(100, ']') + "}",
        {"nested deeper than 64"});
  check(R"({"type":"lunch"})", {"unknown line type \"lunch\""});
  check(R"(["type","trial"])", {"must be a JSON object"});
}

TEST_CASE("journal headers: version, scale and integer bounds are checked", "[study][journal][errors]") {
  const auto header_error = [](const std::string& header) {
    const auto path = study_temp_path("header.jsonl");
    std::ofstream(path, std::ios::binary) << header << "\n";
    std::string message;
    try {
      (void)hpo::Study::load(path);
    } catch (const std::exception& e) {
      message = e.what();
    }
    std::filesystem::remove(path);
    return message;
  };
  const std::string real = R"({"name":"x","kind":"real","low":0.0,"high":1.0,"scale":"linear"})";
  REQUIRE_THAT(header_error(R"({"type":"study","format":"hpo-journal","version":99,"direction":"minimize","space":[)" +
                            real + "]}"),
               Contains("line 1") && Contains("\"version\" = 99"));
  REQUIRE_THAT(
      header_error(
          R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"x","kind":"real","low":0.0,"high":1.0,"scale":"loggg"}]})"),
      Contains("\"x\"") && Contains("unknown scale \"loggg\""));
  REQUIRE_THAT(
      header_error(
          R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[{"name":"n","kind":"integer","low":0,"high":1e300}]})"),
      Contains("\"n\"") && Contains("\"high\""));
  REQUIRE_THAT(header_error(R"({"type":"study","format":"hpo-journal","version":1,"direction":"sideways","space":[)" +
                            real + "]}"),
               Contains("sideways"));
  REQUIRE(header_error(R"({"type":"study","format":"hpo-journal","version":1,"direction":"minimize","space":[)" + real +
                       "]}")
              .empty());
}

TEST_CASE("blank lines are skipped, a directory or a missing file is named", "[study][journal][errors]") {
  const std::string config = R"("config":{"x":1.0,"n":2,"act":"relu"})";
  const auto path = journal_with("blank.jsonl",
                                 "\n  \n"
                                 R"({"type":"trial","state":"completed","value":1.0,)" +
                                     config + "}\n");
  REQUIRE(hpo::Study::load(path).completed_count() == 1);
  std::filesystem::remove(path);
  const auto directory = std::filesystem::temp_directory_path().string();
  REQUIRE_THROWS_WITH(hpo::Study::load(directory), Contains(directory) && Contains("directory"));
}

TEST_CASE("misuse of tell, fail and trial names the function and the trial", "[study][errors]") {
  hpo::Study study(small_space());
  hpo::RandomSearch random;
  const auto number = study.ask(random)->number;
  study.tell(number, 1.0);
  REQUIRE_THROWS_WITH(study.fail(number, "late"), Contains("hpo::Study::fail") && Contains("already completed"));
  REQUIRE_THROWS_WITH(study.tell(number, 2.0), Contains("hpo::Study::tell") && Contains("already completed"));
  REQUIRE_THROWS_WITH(study.tell(7, 2.0), Contains("no trial number 7"));
  REQUIRE_THROWS_WITH(study.trial(99), Contains("hpo::Study::trial") && Contains("99"));
}

TEST_CASE("a checksum that does not match is refused by line", "[study][journal][errors]") {
  const auto path = study_temp_path("checksum.jsonl");
  {
    auto study = hpo::Study::open(path, small_space());
    study.tell(study.ask(hpo::Config().set("x", 1.0).set("n", 2).set("act", "relu")).number, 0.5);
  }
  auto text = read_file(path);
  const auto at = text.find("\"value\":0.5");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "\"value\":0.1");  // edited after it was written: the line's checksum no longer matches
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  REQUIRE_THROWS_WITH(hpo::Study::load(path), Contains(path) && Contains("line 3") && Contains("checksum"));
  std::filesystem::remove(path);
}

TEST_CASE("every seed and regression journal of the fuzzer loads or is refused, and round-trips",
          "[study][journal][fuzz]") {
  std::size_t checked = 0;
  for (const char* folder : {"/tests/fuzz/corpus", "/tests/fuzz/regressions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(HPO_SOURCE_DIR) + folder)) {
      if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
      INFO(entry.path().string());
      CHECK(hpo::fuzz::check_journal(entry.path().string(), study_temp_path("fuzz_round_trip.jsonl")).empty());
      ++checked;
    }
  }
  REQUIRE(checked >= 6);
}
