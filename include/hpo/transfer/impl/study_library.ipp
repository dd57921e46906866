#pragma once
// Bodies of study_library.hpp; see core/linkage.hpp.

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "hpo/transfer/study_library.hpp"

namespace hpo {

HPO_INLINE std::vector<Study> load_studies(const std::string& directory) {
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
