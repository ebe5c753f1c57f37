#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds the fuzz and sanitizer build into ./build-fuzz: clang 14, every
# library and test under ASan + UBSan, the libFuzzer targets of tests/fuzz, and only the
# tests the sanitizer stage runs (core io, data, export, quant). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_DIR=${PARETO_FUZZ_BUILD_DIR:-build-fuzz}
launcher=()
if [ -n "${PARETO_CCACHE:-}" ] && command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 with line tables: readable sanitizer stacks at a fraction of -O0's run time; no NDEBUG,
# so assertions are findings too.
cmake -S . -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER=clang++-14 \
  -DPARETO_BUILD_FUZZERS=ON -DPARETO_BUILD_GUI=OFF -DPARETO_BUILD_BENCHMARKS=OFF "${launcher[@]}" "$@"
cmake --build "$FUZZ_DIR" -j "$(nproc)" --target fuzzers sanitizer-tests
