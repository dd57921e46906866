// hpo::mpi::optimize called before MPI_Init, and after MPI_Finalize: an error that says so (not a
// crash inside MPI). Exits 0 when both errors came with the expected words.
#include <hpo/mpi.hpp>
#include <hpo/optimizers/random_search.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {
// "" when `run` throws std::logic_error containing `expected`, else what went wrong.
template <class Run>
std::string expect_logic_error(Run run, const std::string& expected) {
  try {
    run();
  } catch (const std::logic_error& e) {
    if (std::string(e.what()).find(expected) != std::string::npos) return {};
    return std::string("wrong message: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception: ") + e.what();
  }
  return "no exception";
}
}  // namespace

int main(int argc, char** argv) {
  hpo::SearchSpace space;
  space.add_real("x", 0.0, 1.0);
  hpo::RandomSearch random({.seed = 1});
  const auto run = [&] {
    hpo::mpi::optimize(space, [](const hpo::Config& c) { return c.get<double>("x"); }, random,
                       {.max_evaluations = 3, .progress = false});
  };
  const std::string before = expect_logic_error(run, "MPI is not initialized: call MPI_Init(&argc, &argv)");
  MPI_Init(&argc, &argv);
  run();  // now it works
  MPI_Finalize();
  const std::string after = expect_logic_error(run, "MPI is already finalized");
  if (!before.empty()) std::printf("before MPI_Init: %s\n", before.c_str());
  if (!after.empty()) std::printf("after MPI_Finalize: %s\n", after.c_str());
  std::printf("%d passed, %d failed\n", before.empty() + after.empty(), !before.empty() + !after.empty());
  return before.empty() && after.empty() ? 0 : 1;
}
