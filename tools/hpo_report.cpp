// hpo-report: the report of one or several studies from their journals, as a self-contained HTML
// page, or a text summary in the terminal.
//
//   hpo-report run.jsonl [other.jsonl ...] [-o report.html] [--title TEXT] [--name NAME]...
//              [--value-label TEXT] [--top N]
//   hpo-report --summary run.jsonl [other.jsonl ...]
//
// Exit status: 0 done, 1 an error (named with its path), 2 a usage error.

#include <hpo/report.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kUsage =
    "usage: hpo-report JOURNAL [JOURNAL ...] [-o REPORT.html] [--title TEXT] [--name NAME]... [--value-label TEXT] "
    "[--top N]\n"
    "       hpo-report --summary JOURNAL [JOURNAL ...]\n"
    "\n"
    "Writes the report of the studies in the journals (hpo JSON Lines files) as one self-contained HTML file:\n"
    "their optimization histories overlaid, then for each study its best trials, parameter importance, the\n"
    "model's contour, parallel coordinates, slices, intermediate values, timeline and warm start.\n"
    "Several journals must be studies of one search space and direction (e.g. a cold and a warm run).\n"
    "\n"
    "  -o, --output PATH     the HTML file to write (default: report.html)\n"
    "  --title TEXT          the page's heading\n"
    "  --name NAME           a study's name in legends, once per journal in order (default: the file name)\n"
    "  --value-label TEXT    what the value is, with its unit (default: value)\n"
    "  --top N               rows of the best-trials table (default: 10)\n"
    "  --summary             print a short text summary of each study instead\n"
    "  -h, --help            this help\n";

struct Arguments {
  std::vector<std::string> journals;
  std::string output = "report.html";
  bool summary = false;
  hpo::ReportOptions options;
};

struct UsageError {
  std::string message;
};

// The value following option `name`, or a usage error naming it.
std::string value_of(int& i, int argc, char** argv, std::string_view name) {
  if (i + 1 >= argc) throw UsageError{"option " + std::string(name) + " needs a value"};
  return argv[++i];
}

Arguments parse(int argc, char** argv) {
  Arguments a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-o" || arg == "--output")
      a.output = value_of(i, argc, argv, arg);
    else if (arg == "--title")
      a.options.title = value_of(i, argc, argv, arg);
    else if (arg == "--name")
      a.options.study_names.push_back(value_of(i, argc, argv, arg));
    else if (arg == "--value-label")
      a.options.value_label = value_of(i, argc, argv, arg);
    else if (arg == "--summary")
      a.summary = true;
    else if (arg == "--top") {
      const std::string text = value_of(i, argc, argv, arg);
      try {
        a.options.top_trials = static_cast<std::size_t>(std::stoul(text));
      } catch (const std::exception&) {
        throw UsageError{"--top needs a whole number, got \"" + text + "\""};
      }
    } else if (arg.size() > 1 && arg[0] == '-')
      throw UsageError{"unknown option \"" + std::string(arg) + "\""};
    else
      a.journals.emplace_back(arg);
  }
  if (a.journals.empty()) throw UsageError{"no journal given"};
  return a;
}

int run(const Arguments& a) {
  std::vector<hpo::Study> studies;
  for (const auto& path : a.journals) studies.push_back(hpo::Study::load(path));
  if (a.summary) {
    for (std::size_t i = 0; i < studies.size(); ++i)
      std::cout << (i ? "\n" : "") << hpo::report::summary(studies[i], a.journals[i]);
    return 0;
  }
  hpo::write_report(studies, a.output, a.options);
  std::cout << "wrote " << a.output << " (" << std::filesystem::file_size(a.output) / 1024 << " KiB, " << studies.size()
            << (studies.size() == 1 ? " study)\n" : " studies)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help")) {
    std::cout << kUsage;
    return 0;
  }
  try {
    return run(parse(argc, argv));
  } catch (const UsageError& e) {
    if (argc > 1) std::cerr << "hpo-report: " << e.message << "\n\n";
    std::cerr << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "hpo-report: " << e.what() << '\n';
    return 1;
  }
}
