#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian (bookworm) package Pareto Studio needs to build, run and test.
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # Qt 6 Widgets + Charts + SVG (chart export), Qt Test comes with qt6-base-dev
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libgl-dev
  # Qt6Charts's CMake package needs Qt6OpenGL, which qt6-charts-dev does not pull in (bookworm)
  libqt6opengl6-dev
  # LibTorch (CPU) and a fast BLAS for it
  libtorch-dev libopenblas0-pthread
  # only the OpenCV modules we use (dnn runs the exported ONNX files when a package is validated)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-dnn-dev
  # the ONNX files of a package are written with Debian's ONNX library (protobuf types)
  libonnx-dev libprotobuf-dev
  # small libraries used by core
  zlib1g-dev nlohmann-json3-dev libssl-dev
  # image decoding with the decoders' own error reasons (core/data/imagedecoder.cpp)
  libpng-dev libjpeg-dev
  # benchmarks
  libbenchmark-dev
  # real data and the real PyTorch writer used by the tests' fixtures
  dataset-fashion-mnist python3-torch python3-numpy
  # the sweep benchmark (bench/sweep_vs_eager.py): the PyTorch eager anchor reads PNG folders with PIL
  python3-pil
  # tests: python3-onnx's checker (opset <= 17) and ONNX Runtime from npm (tests/onnx, npm ci)
  python3-onnx nodejs npm
  # fonts so offscreen screenshots show text
  fonts-dejavu-core
  # the .deb's desktop files: PNG icons rendered from the SVG, man pages from --help, and
  # the validators and MIME database tool its tests run (dpkg-dev for CPack comes with
  # build-essential)
  librsvg2-bin help2man desktop-file-utils appstream shared-mime-info
  # the fuzz and sanitizer stage (build-fuzz): clang 14 with libFuzzer, ASan and UBSan, whose
  # runtimes are in libclang-rt-14-dev (not pulled in with --no-install-recommends), and
  # llvm-symbolizer (llvm-14) for readable stack traces
  clang-14 libclang-rt-14-dev llvm-14
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  # A nodejs from elsewhere (NodeSource) bundles npm and conflicts with Debian's npm package.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
