#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The demo command: installs every dependency, builds the studio (not the tests), and opens
# Pareto Studio on the embedded demo model and data. Without a display it renders the
# window offscreen to build/demo-screenshot.png, then builds the CLI and prints the demo's
# numbers with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
PARETO_BUILD_TARGETS=pareto-studio bash packaging/build.sh
BUILD_DIR=${PARETO_BUILD_DIR:-build}
export OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$BUILD_DIR/app/gui/pareto-studio" "$@"
fi
echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): rendering offscreen instead."
QT_QPA_PLATFORM=offscreen "$BUILD_DIR/app/gui/pareto-studio" --screenshot "$BUILD_DIR/demo-screenshot.png" "$@"
echo "Screenshot of the studio window: $BUILD_DIR/demo-screenshot.png (${SECONDS} s after the demo command started)"
cmake --build "$BUILD_DIR" -j "$(nproc)" --target pareto
"$BUILD_DIR/app/pareto" eval demo --data demo
