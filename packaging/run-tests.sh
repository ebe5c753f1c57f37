#!/usr/bin/env bash
# The test command: installs every dependency, builds, and runs every test through CTest.
# .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
bash packaging/build.sh
BUILD_DIR=${PARETO_BUILD_DIR:-build}
cd "$BUILD_DIR"
# Tests are independent processes; two at a time matches the 2-core machines we target.
ctest --output-on-failure -j 2 --timeout 900
