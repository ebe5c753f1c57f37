#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The desktop files as a software centre and a desktop read them: desktop-file-validate,
# appstreamcli validate --no-net, and update-mime-database (which rejects a bad MIME XML)
# into a temp database that must then know our globs.
# usage: check-desktop-files.sh SOURCE_DIR
set -euo pipefail
D=$(realpath "$1")/packaging/desktop
ID=org.paretostudio.ParetoStudio
work=$(mktemp -d "${TMPDIR:-/tmp}/pareto-desktop.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== desktop-file-validate $ID.desktop"
out=$(desktop-file-validate "$D/$ID.desktop" 2>&1) || { echo "$out"; fail "desktop-file-validate rejected $ID.desktop"; }
[ -z "$out" ] || { echo "$out"; fail "desktop-file-validate has remarks on $ID.desktop"; }

echo "== appstreamcli validate --no-net $ID.metainfo.xml"
appstreamcli validate --no-net "$D/$ID.metainfo.xml" || fail "appstreamcli rejected $ID.metainfo.xml"

echo "== update-mime-database with $ID.xml"
mkdir -p "$work/mime/packages"
cp "$D/$ID.mime.xml" "$work/mime/packages/$ID.xml"
out=$(XDG_DATA_DIRS="$work" update-mime-database "$work/mime" 2>&1) || { echo "$out"; fail "update-mime-database failed"; }
[ -z "$out" ] || { echo "$out"; fail "update-mime-database has remarks on $ID.xml"; }
for g in application/x-safetensors:*.safetensors application/x-pytorch:*.pt application/x-pytorch:*.pth \
         application/x-torchscript:*.ts application/x-onnx:*.onnx; do
  grep -qF ":$g" "$work/mime/globs2" || fail "the MIME database lacks $g"
done

# Every type the menu entry claims is one the MIME XML declares.
for t in $(sed -n 's/^MimeType=//p' "$D/$ID.desktop" | tr ';' ' '); do
  grep -q "type=\"$t\"" "$D/$ID.mime.xml" || fail "$ID.desktop claims $t, which $ID.xml does not declare"
done
echo "PASS: desktop entry, AppStream metainfo and MIME types accepted"
