#!/usr/bin/env bash
# Builds and runs hpo's whole test suite (Release build in build/).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHPO_BUILD_TESTS=ON
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure --no-tests=error -j "$(nproc)"
