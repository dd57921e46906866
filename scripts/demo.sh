#!/usr/bin/env bash
# Builds and runs the flagship example. Extra arguments go to the example.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHPO_BUILD_TESTS=OFF -DHPO_BUILD_BENCHMARKS=OFF
cmake --build build -j "$(nproc)" --target quickstart
./build/examples/quickstart "$@"
