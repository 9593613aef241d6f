#!/usr/bin/env bash
# Reproduces docs/benchmarks/dit-cpu.json: the HY-Motion DiT on this machine's CPU with random
# weights of the real shapes, one CFG forward (batch 2) per measurement.
#   docs/benchmarks/run_dit_cpu.sh [path/to/kinema-cli] > docs/benchmarks/dit-cpu.json
set -euo pipefail
cli="${1:-build/dev/app/cli/kinema-cli}"
echo "["
first=1
for config in lite full; do
  for shape in "120 20" "360 128"; do
    set -- $shape
    for threads in 1 2; do
      trim=""
      [ "$1" = 360 ] && trim="--no-trim"
      [ $first = 1 ] || echo ","
      first=0
      "$cli" bench dit --config "$config" --random-weights --frames "$1" --text-tokens "$2" \
        --steps 3 --threads "$threads" $trim --json
    done
  done
done
echo "]"
