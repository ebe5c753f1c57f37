#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds Pareto Studio into ./build (Release, Ninja). Used by run-demo.sh
# and run-tests.sh; safe to re-run (incremental). PARETO_BUILD_TARGETS="a b" builds only
# those targets (run-demo.sh: just the two programs), else everything including the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${PARETO_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
targets=()
for t in ${PARETO_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
# LibTorch translation units need ~1 GB of memory each: one job per core is plenty.
cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
