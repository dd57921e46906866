// The report at scale: a study of 10,000 trials over 10 parameters (reals, log reals, integers and
// categories; 3% failed, 10% pruned with intermediate values, 8 named workers, a warm-start record)
// is written as a journal, read back, and its report written; the time of write_report (median of
// the runs) and the file's size are printed. The issue's budget: under 2 s and under 5 MB.
// Usage: report_scale [trials] [parameters] [runs] [--check] [-o report.html]
//   --check  exit 1 when the median time is 2 s or more, or the file 5 MB or more
// Prints: trials, parameters, median and each run's seconds, bytes.
#include <hpo/report.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

hpo::SearchSpace space_of(std::size_t parameters) {
  hpo::SearchSpace space;
  for (std::size_t j = 0; j < parameters; ++j) {
    const std::string name = "p" + std::to_string(j);
    switch (j % 4) {
      case 0:
        space.add_real(name, -5.0, 5.0);
        break;
      case 1:
        space.add_real(name, 1e-5, 1.0, hpo::Scale::Log);
        break;
      case 2:
        space.add_int(name, 1, 512, hpo::Scale::Log);
        break;
      default:
        space.add_categorical(name, {"alpha", "beta", "gamma", "delta"});
    }
  }
  return space;
}

// A trial of a smooth objective in which the first few parameters matter most, with the states,
// intermediate values and workers a long parallel run with a pruner leaves in its journal.
hpo::Trial make_trial(const hpo::SearchSpace& space, std::size_t number, hpo::Rng& rng) {
  hpo::Trial t;
  t.number = number;
  Eigen::VectorXd u(static_cast<Eigen::Index>(space.size()));
  for (auto& x : u) x = rng.uniform();
  t.config = space.from_unit(u);
  double value = 0.0;
  for (Eigen::Index j = 0; j < u.size(); ++j) value += (u[j] - 0.3) * (u[j] - 0.3) / static_cast<double>(j + 1);
  t.worker = "#" + std::to_string(number % 8);
  t.started_at = 1.8e9 + static_cast<double>(number / 8) * 2.0 + rng.uniform();
  t.duration = 1.0 + rng.uniform();
  if (number % 33 == 5) {
    t.state = hpo::TrialState::Failed;
    t.error = "objective returned nan";
  } else if (number % 10 == 7) {
    t.state = hpo::TrialState::Pruned;
    for (std::int64_t step = 1; step <= 4; ++step)
      t.intermediate[step] = value * (1.0 + 2.0 / static_cast<double>(step));
  } else {
    t.state = hpo::TrialState::Completed;
    t.value = value;
    for (std::int64_t step = 1; step <= 8; step *= 2)
      t.intermediate[step] = value * (1.0 + 1.0 / static_cast<double>(step));
  }
  return t;
}

std::string write_journal(std::size_t trials, std::size_t parameters) {
  const hpo::SearchSpace space = space_of(parameters);
  const auto path = (std::filesystem::temp_directory_path() / "hpo_report_scale.jsonl").string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << hpo::detail::header_to_json(space, hpo::Direction::Minimize).dump() << '\n';
  out << R"({"type":"record","kind":"warm_start","optimizer":"bayesian_optimization","initial_points":5,)"
         R"("parts":["initial_points","region","surrogate","source_basis"],"sources":[{"origin":"source.jsonl","trials":200,)"
         R"("dropped":0,"weight":0.6,"orders_target":true,"in_regression":true}],"target_weight":0.4,"trial":20})"
      << '\n';
  hpo::Rng rng(7);
  for (std::size_t n = 0; n < trials; ++n) out << hpo::detail::trial_to_json(make_trial(space, n, rng)).dump() << '\n';
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> numbers;
  bool check = false;
  std::string output = (std::filesystem::temp_directory_path() / "hpo_report_scale.html").string();
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--check")
      check = true;
    else if (arg == "-o" && a + 1 < argc)
      output = argv[++a];
    else
      numbers.push_back(std::stoul(arg));
  }
  const std::size_t trials = numbers.size() > 0 ? numbers[0] : 10000, parameters = numbers.size() > 1 ? numbers[1] : 10,
                    runs = numbers.size() > 2 ? numbers[2] : 3;
  const hpo::Study study = hpo::Study::load(write_journal(trials, parameters));
  std::vector<double> seconds;
  for (std::size_t r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    hpo::write_report(study, output);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const auto bytes = std::filesystem::file_size(output);
  std::printf("trials %zu  parameters %zu  write_report median %.3f s (runs:", trials, parameters, median);
  for (const double s : seconds) std::printf(" %.3f", s);
  std::printf(")  size %ju bytes (%.2f MB)  %s\n", static_cast<std::uintmax_t>(bytes), static_cast<double>(bytes) / 1e6,
              output.c_str());
  if (check && (median >= 2.0 || bytes >= 5'000'000)) {
    std::printf("over budget: the report must take under 2 s and 5 MB\n");
    return 1;
  }
  return 0;
}
