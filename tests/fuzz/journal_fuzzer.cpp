// libFuzzer target: arbitrary bytes as a journal file. A journal must load or be refused with an
// exception (never a crash, a hang or undefined behaviour), and what loads must save and load
// back equal. Built by -DHPO_FUZZ=ON with clang (-fsanitize=fuzzer,address,undefined); .ci/run
// runs it for a minute with tests/fuzz/journal.dict and the seed journals in tests/fuzz/corpus/.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string directory = [] {
    auto path = std::filesystem::temp_directory_path() / ("hpo_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path.string();
  }();
  const std::string input = directory + "/input.jsonl", saved = directory + "/saved.jsonl";
  std::ofstream(input, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (const auto difference = hpo::fuzz::check_journal(input, saved); !difference.empty()) {
    std::fprintf(stderr, "round trip differs: %s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
