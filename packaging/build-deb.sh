#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The third way in: installs the build dependencies, builds the two programs (no tests, no
# benchmarks) into ./build-deb and packs them with CPack into
# build-deb/pareto-studio_<version>_<arch>.deb, ready for `sudo apt install ./build-deb/...deb`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
BUILD_DIR=${PARETO_BUILD_DIR:-build-deb}
PARETO_BUILD_DIR=$BUILD_DIR bash packaging/build.sh -DPARETO_BUILD_TESTS=OFF -DPARETO_BUILD_BENCHMARKS=OFF
cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$BUILD_DIR"
ls "$BUILD_DIR"/pareto-studio_*.deb
