#!/usr/bin/env bash
# Builds and runs hpo's test suite in build/, a test build: Release, with the compiled library at -O1
# as the tests are (HPO_TEST_BUILD). Examples and benchmarks are not built here (CI builds them); a
# later `cmake -S . -B build -DHPO_TEST_BUILD=OFF -DHPO_BUILD_EXAMPLES=ON -DHPO_BUILD_BENCHMARKS=ON`
# adds them, with the library rebuilt at -O3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
# Ninja for a new build tree: it compiles the tests while the library builds (Make waits for the
# library first). A tree configured earlier keeps its generator; CMake refuses to switch it.
generator=()
[ -f build/CMakeCache.txt ] || generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DHPO_TEST_BUILD=ON -DHPO_BUILD_TESTS=ON -DHPO_BUILD_EXAMPLES=OFF -DHPO_BUILD_BENCHMARKS=OFF
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure --no-tests=error -j "$(nproc)"
