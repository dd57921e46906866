#pragma once
// Files the tests write: fresh paths in the system's temporary directory, and reading one back.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace hpo_test {

/// A path for a test's file, with nothing there yet (nor a journal's lock file beside it).
/// `area` keeps apart the test programs that ctest runs at once: "hpo_test_<area>_<name>".
inline std::string temp_path(std::string_view area, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("hpo_test_" + std::string(area) + "_" + name);
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".lock");
  return path.string();
}

/// A file's whole content, byte for byte ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace hpo_test
