// Ask/tell with the evaluation outside the process: each trial runs a shell command, several at a
// time, and its result is read from the command's output. A command that fails (non-zero exit,
// or output that is not a number) becomes a failed trial, and the search goes on.
//
// The "external program" is a one-line awk script computing the Rosenbrock function of x and y
// (minimum 0 at x = y = 1); it refuses points with x < -1.8, as a crashing simulation would. In
// your own use, replace `command_for` with the training script or simulator you run.
//
// POSIX only (popen). Usage: ask_tell_external [parallel trials, default 4]
#include <hpo/hpo.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

std::string command_for(const hpo::Config& c) {
  return "awk -v x=" + number(c.get<double>("x")) + " -v y=" + number(c.get<double>("y")) +
         " 'BEGIN { if (x < -1.8) { print \"x out of the model range\" > \"/dev/stderr\"; exit 3 }"
         " printf \"%.12g\\n\", (1 - x)^2 + 100 * (y - x*x)^2 }' 2>&1";
}

struct Running {
  std::size_t trial;
  FILE* pipe;
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t parallel = argc > 1 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[1]))) : 4;
  hpo::SearchSpace space;
  space.add_real("x", -2.0, 2.0).add_real("y", -1.0, 3.0);

  hpo::Study study(space);
  hpo::BayesianOptimization bo({.seed = 5});
  const std::size_t budget = 40;
  std::vector<Running> running;
  std::size_t launched = 0;

  while (study.finished_count() < budget) {
    // Keep `parallel` commands running: the optimizer sees the outstanding trials and proposes
    // different points for the new ones.
    while (running.size() < parallel && launched < budget) {
      std::optional<hpo::Trial> trial = study.ask(bo);
      if (!trial) break;
      FILE* pipe = popen(command_for(trial->config).c_str(), "r");
      if (!pipe) {
        study.fail(trial->number, "could not start the command");
        ++launched;
        continue;
      }
      running.push_back({trial->number, pipe});
      ++launched;
    }
    if (running.empty()) break;
    // Collect the oldest one (a real driver would wait for whichever finishes first).
    const Running job = running.front();
    running.erase(running.begin());
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, job.pipe)) output += buffer;
    const int status = pclose(job.pipe);
    char* end = nullptr;
    const double value = std::strtod(output.c_str(), &end);
    if (status != 0) {
      while (!output.empty() && output.back() == '\n') output.pop_back();
      study.fail(job.trial, "command exited with status " + std::to_string(WEXITSTATUS(status)) + ": " + output);
    } else if (end == output.c_str()) {
      study.fail(job.trial, "output is not a number: \"" + output + "\"");
    } else {
      study.tell(job.trial, value);
    }
    const hpo::Trial& t = study.trial(job.trial);
    if (t.completed())
      std::printf("trial %2zu  %-34s  value %10.5f  (%zu running)\n", t.number, t.config.to_string().c_str(), t.value,
                  running.size());
    else
      std::printf("trial %2zu  %-34s  failed: %s\n", t.number, t.config.to_string().c_str(), t.error.c_str());
  }

  if (study.completed_count() == 0) {
    std::fprintf(stderr, "no trial completed%s\n", study.failure_summary().c_str());
    return 1;
  }
  std::printf("\n%zu trials (%zu failed), at most %zu at a time; best %.5f at %s (minimum 0 at x=1 y=1)\n",
              study.finished_count(), study.failed_count(), parallel, study.best().value,
              study.best().config.to_string().c_str());
}
