#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The .deb from an already built tree: CPack packs it (nothing is rebuilt when the tree is
# up to date), dpkg-deb lists and unpacks it into an empty prefix in a temp folder, and the
# unpacked programs run with the source and build trees hidden (empty tmpfs mounts in a
# private mount namespace), from a working folder of their own. They must report demo
# paths under that prefix: an installed copy that only seemed to work by reading the build
# tree fails here.
# usage: check-deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
ID=org.paretostudio.ParetoStudio
work=$(mktemp -d "${TMPDIR:-/tmp}/pareto-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
case "$work/" in "$SRC"/* | "$BUILD"/*) fail "the temp folder $work lies inside the trees it must not see" ;; esac

echo "== cpack -G DEB"
if ! cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$work/cpack" > "$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack could not make the .deb"
fi
debs=("$work"/cpack/pareto-studio_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no pareto-studio_*.deb"
deb=${debs[0]}
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

echo "== dpkg-deb -c: what the package holds"
dpkg-deb -c "$deb" | awk '{print $6}' > "$work/contents"
expected=(
  ./usr/bin/pareto
  ./usr/bin/pareto-studio
  ./usr/share/applications/$ID.desktop
  ./usr/share/metainfo/$ID.metainfo.xml
  ./usr/share/mime/packages/$ID.xml
  ./usr/share/icons/hicolor/scalable/apps/$ID.svg
  ./usr/share/man/man1/pareto.1.gz
  ./usr/share/man/man1/pareto-studio.1.gz
  ./usr/share/doc/pareto-studio/LICENSE
  ./usr/share/doc/pareto-studio/THIRD-PARTY.md
  ./usr/share/pareto-studio/demo/tinyvae-fmnist-l16.safetensors
  ./usr/share/pareto-studio/demo/fashion-mnist-subset/t10k-images-idx3-ubyte.gz
)
for size in 16 22 24 32 48 64 128 256; do expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/$ID.png"); done
for f in "${expected[@]}"; do
  grep -qxF "$f" "$work/contents" || fail "$(basename "$deb") lacks $f"
done
echo "all ${#expected[@]} expected files present"

echo "== dpkg-deb -f: runtime dependencies"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for p in libopenblas0-pthread qt6-qpa-plugins libtorch1.13 libqt6widgets6 libqt6charts6; do
  grep -qE "(^|, )$p( |,|$)" <<< "$depends" || fail "Depends lacks $p"
done

echo "== unpack into an empty prefix and move it elsewhere"
dpkg-deb -x "$deb" "$work/unpacked"
mkdir -p "$work/elsewhere" "$work/cwd"
mv "$work/unpacked" "$work/elsewhere/prefix"
P=$work/elsewhere/prefix
SHARE=$P/usr/share/pareto-studio
for page in pareto pareto-studio; do
  zcat "$P/usr/share/man/man1/$page.1.gz" | grep -q '^\.SH EXAMPLES' || fail "man page $page(1) has no EXAMPLES section"
  ! zcat "$P/usr/share/man/man1/$page.1.gz" | grep -qF "$BUILD" || fail "man page $page(1) names the build tree"
done

# Runs "$@" in $work/cwd with $SRC and $BUILD replaced by empty folders, when this machine
# allows a private mount namespace (root, or user namespaces); else with them in place.
hide=0
if unshare --mount --propagation private true 2> /dev/null; then hide=1; fi
hidden() {
  if [ "$hide" = 1 ]; then
    unshare --mount --propagation private -- bash -c '
      src=$1 build=$2 cwd=$3; shift 3
      mount -t tmpfs none "$src"
      case "$build/" in "$src"/*) ;; *) mount -t tmpfs none "$build" ;; esac
      [ ! -e "$src/CMakeLists.txt" ] && [ ! -e "$build/CMakeCache.txt" ] || { echo "trees still visible" >&2; exit 99; }
      cd "$cwd" && exec "$@"' _ "$SRC" "$BUILD" "$work/cwd" "$@"
  else
    (cd "$work/cwd" && exec "$@")
  fi
}
if [ "$hide" = 1 ]; then
  echo "source tree $SRC and build tree $BUILD hidden from the programs"
else
  echo "note: no private mount namespace here; the trees stay in place and the path checks below decide"
fi
unset PARETO_RESOURCE_DIR

echo "== pareto-studio --version / --help without a display"
v=$(hidden env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$P/usr/bin/pareto-studio" --version)
echo "$v"
[ "$v" = "pareto-studio $(dpkg-deb -f "$deb" Version)" ] || fail "pareto-studio --version printed '$v'"
hidden env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$P/usr/bin/pareto-studio" --help | grep -q -- '--screenshot' \
  || fail "pareto-studio --help does not list --screenshot"

echo "== pareto eval demo --data demo (unpacked copy)"
hidden "$P/usr/bin/pareto" eval demo --data demo --limit 64 --json --quiet > "$work/eval.json" || fail "pareto eval on the demo failed"
/usr/bin/python3 - "$work/eval.json" "$SHARE" <<'PY' || fail "pareto eval did not use the unpacked demo"
import json, sys
j, share = json.load(open(sys.argv[1])), sys.argv[2]
print("checkpoint", j["checkpoint"])
print("data      ", j["data"]["identity"])
assert j["checkpoint"] == share + "/demo/tinyvae-fmnist-l16.safetensors", "checkpoint outside the prefix"
assert share + "/demo/fashion-mnist-subset" in j["data"]["identity"], "data outside the prefix"
assert j["n"] == 64 and not j["untrained_warning"], "unexpected evaluation"
PY

echo "== pareto-studio --screenshot (unpacked copy, offscreen)"
hidden env QT_QPA_PLATFORM=offscreen "$P/usr/bin/pareto-studio" --limit 64 --screenshot "$work/cwd/studio.png" > "$work/studio.out" \
  || fail "pareto-studio --screenshot failed"
cat "$work/studio.out"
grep -qxF "model      $SHARE/demo/tinyvae-fmnist-l16.safetensors" "$work/studio.out" || fail "the studio's model is not the unpacked demo"
grep -qxF "data       fashion-mnist:$SHARE/demo/fashion-mnist-subset" "$work/studio.out" || fail "the studio's data is not the unpacked demo's"
[ -s "$work/cwd/studio.png" ] || fail "no screenshot written"
echo "PASS: the unpacked package runs on its own demo under $P"
