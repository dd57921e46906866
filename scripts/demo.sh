#!/usr/bin/env bash
# Builds and runs the flagship example, examples/transfer_mlp.cpp (under a minute on two cores;
# `bash scripts/demo.sh --quick` takes a few seconds). Extra arguments go to the example; its
# journals go to transfer_mlp_out/ in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHPO_BUILD_EXAMPLES=ON
cmake --build build -j "$(nproc)" --target transfer_mlp
./build/examples/transfer_mlp "$@"
