#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one libFuzzer target the way CI and the long runs do (README "Fuzzing and sanitizers").
#   run-fuzzer.sh replay  BINARY            every file of tests/fuzz/corpus/<target>/ and of
#                                           tests/fuzz/regressions/<target>/ (past findings), once
#   run-fuzzer.sh explore BINARY SECONDS    new inputs for SECONDS, from that corpus; new
#                                           inputs go to a scratch folder, never the corpus
#   run-fuzzer.sh long    BINARY            the long run: 10 M executions or 2 h, then the
#                                           minimized corpus is merged back and the stats
#                                           line written to tests/fuzz/stats/<target>.txt
# Findings (crash, leak, > 10 s, > 2 GB) land in $PARETO_FUZZ_ARTIFACTS (default
# build-fuzz/tests/fuzz/fuzz-artifacts) and fail the run.
set -euo pipefail
mode=$1 bin=$2
here=$(cd "$(dirname "$0")" && pwd)
target=$(basename "$bin")
corpus=$here/corpus/$target
regressions=$here/regressions/$target
inputs=("$corpus")
[ -d "$regressions" ] && inputs+=("$regressions")
dict=$here/dict/$target.dict
artifacts=${PARETO_FUZZ_ARTIFACTS:-$(dirname "$bin")/fuzz-artifacts}/$target
mkdir -p "$artifacts"
args=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1)
[ -f "$dict" ] && args+=(-dict="$dict")
source "$here/sanitizer-options.sh"

# The stats file of a long run: its final libFuzzer lines, findings, the merged corpus.
write_stats() {
  local log=$1
  echo "target: $target"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(getconf _NPROCESSORS_ONLN) cores shared with other builds, nice ${PARETO_FUZZ_NICE:-0}"
  echo "limits: -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048; stop at ${PARETO_FUZZ_LONG_SECONDS:-7200} s or ${PARETO_FUZZ_LONG_RUNS:-10000000} runs"
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
  grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || true
  grep -E '^stat::' "$log" || true
  echo "findings (crash, leak, timeout, oom): $(find "$artifacts" -type f | wc -l)"
  echo "minimized corpus: $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
}

# Written aside, then renamed: another run may be reading the old file.
save_stats() {
  local file=$here/stats/$target.txt
  mkdir -p "$here/stats"
  write_stats "$1" >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
  cat "$file"
}

case $mode in
  replay)
    [ -d "$corpus" ] || { echo "run-fuzzer: no corpus $corpus"; exit 1; }
    n=$(find "${inputs[@]}" -type f | wc -l)
    echo "run-fuzzer: $target: replaying $n inputs"
    # -runs=0 with folders: run every input once, no mutation.
    exec "$bin" "${args[@]}" -runs=0 "${inputs[@]}"
    ;;
  explore)
    seconds=${3:-30}
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/pareto-fuzz-new-XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
    "$bin" "${args[@]}" -max_total_time="$seconds" "$scratch" "${inputs[@]}"
    ;;
  long)
    out=$(mktemp -d "${TMPDIR:-/tmp}/pareto-fuzz-long-$target-XXXXXX")
    log=$out/fuzz.log
    new=$out/new  # the run's new inputs (never the log: a corpus folder is read as inputs)
    mkdir -p "$new"
    echo "run-fuzzer: $target: long run, log $log"
    set +e
    # Not nice 19 by default: beside a build in the same scheduler group a starved run's inputs
    # take seconds of wall time each and -timeout (wall clock) reports them as findings.
    nice -n "${PARETO_FUZZ_NICE:-0}" "$bin" "${args[@]}" -max_total_time="${PARETO_FUZZ_LONG_SECONDS:-7200}" -runs="${PARETO_FUZZ_LONG_RUNS:-10000000}" \
      "$new" "${inputs[@]}" >"$log" 2>&1
    rc=$?
    set -e
    tail -n 20 "$log"
    if [ $rc -ne 0 ]; then echo "run-fuzzer: $target: FINDING (exit $rc), see $log and $artifacts"; exit $rc; fi
    # Minimize: keep only inputs that add coverage, into a fresh corpus folder.
    merged=$out/merged
    mkdir -p "$merged"
    nice -n "${PARETO_FUZZ_NICE:-0}" "$bin" -merge=1 "${args[@]}" "$merged" "$corpus" "$new" >"$out/merge.log" 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus"
    save_stats "$log"
    ;;
  stats)  # rewrite the stats file from a long run's log: run-fuzzer.sh stats BINARY LOG
    save_stats "$3"
    ;;
  *) echo "usage: run-fuzzer.sh replay|explore|long BINARY [SECONDS] | stats BINARY LOG"; exit 2 ;;
esac
