#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the seed files the committed corpora (tests/fuzz/corpus/<target>/) grew from.
# usage: tests/fuzz/seeds/make-seeds.sh OUT_DIR [PARETO_CLI]
# Seeds are the tests' own fixtures (real PyTorch, Python's zipfile/pickle, OpenCV) plus
# the small good files of make_seeds.py / make_image_seeds.cpp and one exported package
# (needs a built `pareto`, default build/app/pareto). Merge them into a corpus with
#   BINARY -merge=1 tests/fuzz/corpus/<target> OUT_DIR/<target>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cli=${2:-$root/build/app/pareto}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$py" "$root/tests/fixtures/io_make_checkpoints.py" "$tmp/ckpt" >/dev/null
"$py" "$root/tests/fixtures/io_make_pickles.py" "$tmp/pkl" >/dev/null
"$py" "$root/tests/fixtures/io_make_zips.py" "$tmp/zips" >/dev/null
"$py" "$root/tests/fixtures/io_make_hostile.py" "$tmp/hostile" >/dev/null
"$py" "$here/make_seeds.py" "$out"
"$py" "$here/make_onnx_seeds.py" "$out"
mkdir -p "$out"/fuzz_{torchsave,pickle,torchscript,safetensors,image,package}

# Fixture files under 64 KB (the ~900 KB TinyVAEs mutate too slowly to be worth it).
small() { local dirs=(); while [ -d "${1:-}" ]; do dirs+=("$1"); shift; done
           find "${dirs[@]}" -maxdepth 1 -type f -size -64k \( "$@" \); }
for f in $(small "$tmp/ckpt" "$tmp/hostile" "$tmp/zips" -name '*.pt' -o -name '*.zip' -o -name '*.bin'); do cp "$f" "$out/fuzz_torchsave/"; done
cp "$tmp/pkl/statedict.pt" "$out/fuzz_torchsave/"
for f in $(small "$tmp/pkl" -name '*.pkl'); do cp "$f" "$out/fuzz_pickle/"; done
cp "$tmp/hostile/setstate_writes.ts" "$out/fuzz_torchscript/"
for f in $(small "$tmp/zips" -name '*.zip'); do cp "$f" "$out/fuzz_torchscript/"; done
for f in $(small "$tmp/ckpt" -name '*.safetensors'); do cp "$f" "$out/fuzz_safetensors/"; done
for f in "$tmp"/hostile/*.png; do { printf '\0'; cat "$f"; } >"$out/fuzz_image/$(basename "$f")"; done

g++ -O1 -o "$tmp/make_image_seeds" "$here/make_image_seeds.cpp" -I/usr/include/opencv4 -lopencv_imgcodecs -lopencv_core
"$tmp/make_image_seeds" "$out/fuzz_image"

# A real package (demo TinyVAE, int4, one golden image), packed in fuzz_package's layout;
# model.pt (900 KB, and never loaded without trust) is left out, so its hash check fails.
OPENBLAS_NUM_THREADS=1 "$cli" export "$root/resources/demo/tinyvae-fmnist-l16.safetensors" \
  --data "fashion-mnist:$root/resources/demo/fashion-mnist-subset" --limit 16 --quant int4 --golden 1 \
  --target orin-nano-8gb --out "$tmp/pkg" --quiet >/dev/null
"$py" - "$tmp/pkg" "$out/fuzz_package" <<'PY'
import os, sys
pkg, out = sys.argv[1], sys.argv[2]
read = lambda rel: open(os.path.join(pkg, rel), "rb").read()
def pack(name, flags, files):
    data = bytes([flags]) + read("manifest.json")
    for rel in files:
        data += b"\n==> " + rel.encode() + b" <==\n" + read(rel)
    open(os.path.join(out, name), "wb").write(data)
pack("package_full", 0, ["manifest.sha256", "weights.safetensors", "golden/input.safetensors",
                         "golden/expected.safetensors", "golden/tolerance.json", "README.md"])
pack("package_manifest_only", 1, [])
pack("package_golden", 1, ["golden/input.safetensors", "golden/expected.safetensors", "golden/tolerance.json"])
pack("package_hash_file", 0, ["manifest.sha256"])
PY
echo "make-seeds: $(find "$out" -type f | wc -l) seed files in $out"
