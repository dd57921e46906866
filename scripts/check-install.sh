#!/usr/bin/env bash
# Installs hpo into a temporary prefix and builds a consumer with find_package(hpo), and another
# with add_subdirectory(), as a user's project would.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S . -B "$work/build" -DHPO_BUILD_TESTS=OFF -DHPO_BUILD_EXAMPLES=OFF -DHPO_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --install "$work/build" >/dev/null
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
target_link_libraries(consumer PRIVATE hpo::hpo)
CMAKE
cmake -S "$work/consumer" -B "$work/consumer/find" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer/find" >/dev/null
"$work/consumer/find/consumer"
cmake -S "$work/consumer" -B "$work/consumer/sub" -DUSE_SUBDIRECTORY=ON -DHPO_SOURCE="$root" >/dev/null
cmake --build "$work/consumer/sub" >/dev/null
"$work/consumer/sub/consumer"
echo "find_package(hpo) and add_subdirectory(hpo) consumers: OK"
