#pragma once
// A library of past studies: every journal in a folder, read for a warm start.

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "hpo/study/study.hpp"

namespace hpo {

/// Reads every `*.jsonl` journal directly in `directory` (not its subfolders), sorted by file name,
/// as studies whose origin() is the journal's path: the library that hpo::WarmStart::from selects
/// its sources from. A journal another process is still writing is read as it stands (its last
/// line, cut off mid-write, is skipped with a warning, as Study::load does). Rule for bad files: a
/// journal that cannot be parsed is an error naming it (std::runtime_error), never skipped
/// silently, because a library quietly missing studies would change every warm start drawn from
/// it. A folder that does not exist, is not a folder, or holds no `*.jsonl` file is a
/// std::invalid_argument naming the folder and why. Thread-safe (reads only).
/// Usage: `std::vector<hpo::Study> library = hpo::load_studies("studies/");`
inline std::vector<Study> load_studies(const std::string& directory) {
  namespace fs = std::filesystem;
  const std::string who = "hpo::load_studies: \"" + directory + "\"";
  std::error_code error;
  if (!fs::exists(directory, error)) throw std::invalid_argument(who + " does not exist");
  if (!fs::is_directory(directory, error)) throw std::invalid_argument(who + " is not a folder");
  std::vector<fs::path> journals;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const auto& path = it->path();
    if (path.extension() == ".jsonl" && it->is_regular_file(error)) journals.push_back(path);
  }
  if (error) throw std::invalid_argument(who + " cannot be listed: " + error.message());
  if (journals.empty()) throw std::invalid_argument(who + " holds no study journal (*.jsonl)");
  std::sort(journals.begin(), journals.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  std::vector<Study> library;
  library.reserve(journals.size());
  for (const auto& path : journals) {
    try {
      library.push_back(Study::load(path.string()));
    } catch (const std::exception& e) {
      throw std::runtime_error(who + ": cannot read " + path.filename().string() + ": " + e.what());
    }
  }
  return library;
}

}  // namespace hpo
