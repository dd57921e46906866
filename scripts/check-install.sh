#!/usr/bin/env bash
# Installs hpo into a temporary prefix and builds the quickstart with find_package(hpo) and with
# add_subdirectory(), header-only and compiled, as a user's project would; then a program using
# hpo::mpi (COMPONENTS mpi).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S . -B "$work/build" -DHPO_BUILD_TESTS=OFF -DHPO_BUILD_EXAMPLES=OFF -DHPO_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/build" -j "$(nproc)" --target hpo_compiled >/dev/null
cmake --install "$work/build" >/dev/null
# The quickstart as a user's project: header-only (hpo::hpo) and compiled (hpo::hpo_compiled), each
# with find_package() against the install and with add_subdirectory() on the source tree. The four
# builds run at once (one compile each).
mkdir -p "$work/consumer"
cp examples/quickstart.cpp "$work/consumer/main.cpp"
cat > "$work/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(consumer CXX)
if(USE_SUBDIRECTORY)
  add_subdirectory(${HPO_SOURCE} hpo)
else()
  find_package(hpo CONFIG REQUIRED)
endif()
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE ${HPO_TARGET})
CMAKE
consumer() {  # consumer <build dir name> <target> <cmake args...>: configure, build and run one
  local dir="$work/consumer/$1" target=$2
  shift 2
  cmake -S "$work/consumer" -B "$dir" -DHPO_TARGET="$target" "$@" >"$dir.log" 2>&1 &&
    cmake --build "$dir" >>"$dir.log" 2>&1 && "$dir/consumer" >>"$dir.log" 2>&1 ||
    { echo "consumer $target ($*) failed:"; cat "$dir.log"; return 1; }
}
consumer find_header hpo::hpo -DCMAKE_PREFIX_PATH="$work/prefix" &
consumer find_compiled hpo::hpo_compiled -DCMAKE_PREFIX_PATH="$work/prefix" &
consumer sub_header hpo::hpo -DUSE_SUBDIRECTORY=ON -DHPO_SOURCE="$root" &
consumer sub_compiled hpo::hpo_compiled -DUSE_SUBDIRECTORY=ON -DHPO_SOURCE="$root" &
failed=0
for job in $(jobs -p); do wait "$job" || failed=1; done
[ "$failed" = 0 ]
grep -q "HPO_SEPARATE_COMPILATION" "$work/prefix/share/hpo/cmake/hpoTargets.cmake"
echo "find_package(hpo) and add_subdirectory(hpo) consumers, header-only and compiled: OK"

# hpo::mpi, when this machine has MPI: a consumer with find_package(hpo CONFIG REQUIRED COMPONENTS mpi),
# run on 2 ranks. Without MPI, asking for the component must fail with a message saying why.
mkdir -p "$work/mpi_consumer"
cat > "$work/mpi_consumer/main.cpp" <<'CPP'
#include <hpo/hpo.hpp>
#include <hpo/mpi.hpp>
#include <cstdio>
int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  hpo::SearchSpace space;
  space.add_real("x", -5.0, 5.0);
  hpo::RandomSearch random({.seed = 1});
  const auto study = hpo::mpi::optimize(space, [](const hpo::Config& c) { return c.get<double>("x") * c.get<double>("x"); },
                                        random, {.max_evaluations = 10, .progress = false});
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::printf("rank %d: %zu trials, best %.3f\n", rank, study.finished_count(), study.best().value);
  MPI_Finalize();
  return study.finished_count() == 10 ? 0 : 1;
}
CPP
cat > "$work/mpi_consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(mpi_consumer CXX)
find_package(hpo CONFIG REQUIRED COMPONENTS mpi)
add_executable(mpi_consumer main.cpp)
target_link_libraries(mpi_consumer PRIVATE hpo::mpi)
CMAKE
if [ -f "$work/prefix/share/hpo/cmake/hpoMpiTargets.cmake" ]; then
  cmake -S "$work/mpi_consumer" -B "$work/mpi_consumer/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/mpi_consumer/build" >/dev/null
  if command -v mpirun >/dev/null; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 "$work/mpi_consumer/build/mpi_consumer"
  fi
  echo "find_package(hpo COMPONENTS mpi) consumer: OK"
else
  if cmake -S "$work/mpi_consumer" -B "$work/mpi_consumer/build" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/mpi.log" 2>&1; then
    echo "find_package(hpo COMPONENTS mpi) succeeded on a machine without MPI"
    exit 1
  fi
  grep -q "hpo::mpi\|installed without hpo::mpi" "$work/mpi.log"
  echo "no MPI here: find_package(hpo COMPONENTS mpi) fails, saying why: OK"
fi
