#!/usr/bin/env bash
# Trains the demo's latent-slider models: SAGE TinyVAE, 1 channel, 64x64, on Fashion-MNIST,
# at L in {4, 8, 16, 32, 64} with seeds 1 and 2, with exactly the protocol of the main demo
# model (tinyvae-fmnist-l16.safetensors, which is L = 16 seed 1 and is not retrained).
# Each run writes latent/tinyvae-fmnist-l<L>-s<S>.safetensors and its .train.json log;
# runs whose output exists are skipped, so the script resumes after an interruption.
# A run in progress holds a lock (flock on <out>.lock), so a second copy of the script —
# `--reverse` takes the runs from the other end — can share the work on a spare core.
# Usage: bash resources/demo/train-latent-models.sh [--reverse] [path/to/pareto]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reverse=0
if [ "${1:-}" = "--reverse" ]; then reverse=1; shift; fi
pareto="${1:-$here/../../build/app/pareto}"
export OPENBLAS_NUM_THREADS=1
# Idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning made
# training ~6x slower.
export OMP_WAIT_POLICY=PASSIVE
runs=()
for seed in 1 2; do
  for L in 4 8 16 32 64; do
    [ "$L" = 16 ] && [ "$seed" = 1 ] && continue  # the main demo model
    runs+=("$L:$seed")
  done
done
if [ "$reverse" = 1 ]; then
  rev=()
  for ((i = ${#runs[@]} - 1; i >= 0; i--)); do rev+=("${runs[i]}"); done
  runs=("${rev[@]}")
fi
for run in "${runs[@]}"; do
  L="${run%%:*}"
  seed="${run##*:}"
  out="$here/latent/tinyvae-fmnist-l$L-s$seed.safetensors"
  [ -f "$out" ] && continue
  exec {lock}>"$out.lock"
  if ! flock -n "$lock"; then exec {lock}>&-; continue; fi  # another copy trains it
  if [ ! -f "$out" ]; then
    "$pareto" train --data fashion-mnist --latent "$L" --channels 1 --epochs 12 --patience 3 \
      --seed "$seed" --val-limit 2000 --out "$out" --json --quiet > "$out.train.json.tmp"
    mv "$out.train.json.tmp" "${out%.safetensors}.train.json"
  fi
  rm -f "$out.lock"
  exec {lock}>&-
done
