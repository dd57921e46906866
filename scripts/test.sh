#!/usr/bin/env bash
# Builds and runs hpo's test suite (Release build in build/). Examples and benchmarks are not built
# here (CI builds them); a later `cmake -S . -B build -DHPO_BUILD_EXAMPLES=ON` adds them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHPO_BUILD_TESTS=ON -DHPO_BUILD_EXAMPLES=OFF -DHPO_BUILD_BENCHMARKS=OFF
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure --no-tests=error -j "$(nproc)"
