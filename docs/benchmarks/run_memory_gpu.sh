#!/usr/bin/env bash
# Issue 5's GPU table: HY-Motion-1.0 Full (random weights of the real shapes, bf16) within VRAM
# budgets of 78, 16, 8 and 4 GiB, P = 0.5 GiB kept free, 150 frames + 128 tokens, batch 2 (CFG).
# NOT RUN YET (no GPU in the session that wrote it). Needs a CUDA build (preset `gpu`, libtorch
# 2.x with CUDA) and about 6 minutes on one GPU. Writes docs/benchmarks/memory-gpu.json (one
# object per run) and prints a Markdown table for docs/benchmarks/memory.md.
#
#   cmake --preset gpu -DCMAKE_PREFIX_PATH=/path/to/libtorch && cmake --build build/gpu --target kinema-cli
#   docs/benchmarks/run_memory_gpu.sh [build/gpu/app/cli/kinema-cli]
#
# Per budget it runs two benchmarks:
#   synthetic: BlockStreamer on the real copy engine, block compute = busy-wait kernels of the
#              measured resident forward split by FLOPs (efficiency = max(compute, bytes/BW) / step)
#   real:      the real DiT streamed per block (DitBlockStreaming on gpu::CudaStreamDevice: pinned
#              arena, copy stream, events, two-slot ring), NVML/cudaMemGetInfo peaks
set -euo pipefail
cli="${1:-build/gpu/app/cli/kinema-cli}"
out="docs/benchmarks/memory-gpu.json"
shape=(--config full --random-weights --device cuda --precision bf16 --frames 150 --text-tokens 128)
run() {  # one JSON object per line into $tmp; a failed or hung run is recorded, not fatal
  local label="$1"; shift
  if ! timeout 300 "$cli" bench dit "${shape[@]}" "$@" --json > /tmp/kinema-run.json 2> /tmp/kinema-run.err; then
    python3 -c 'import json,sys; print(json.dumps({"run": sys.argv[1], "failed": open("/tmp/kinema-run.err").read()[-2000:]}))' "$label" >> "$tmp"
    return 0
  fi
  python3 -c 'import json,sys; d=json.load(open("/tmp/kinema-run.json")); d["run"]=sys.argv[1]; print(json.dumps(d))' "$label" >> "$tmp"
}
tmp=$(mktemp)
nvidia-smi --query-gpu=name,memory.total,pcie.link.gen.current,pcie.link.width.current,driver_version \
  --format=csv,noheader | sed 's/^/# /' >&2

# 1. Resident forward (the compute reference for the synthetic runs).
run resident --steps 10
fwd=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1]).get("forward_median_s", 0.05))' "$tmp")

# 2. Budgets.
for V in 78 16 8 4; do
  run "synthetic-$V" --vram-gb "$V" --preserve-gb 0.5 --forward-s "$fwd" --steps 20
  run "real-$V" --stream-real --vram-gb "$V" --preserve-gb 0.5 --steps 10
done
# The smallest footprint: every block streams.
run "synthetic-4-low-vram" --vram-gb 4 --preserve-gb 0.5 --forward-s "$fwd" --steps 20 --profile low-vram
run "real-4-low-vram" --stream-real --vram-gb 4 --preserve-gb 0.5 --steps 10 --profile low-vram

python3 - "$tmp" "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
json.dump(rows, open(sys.argv[2], "w"), indent=1)
G = 1024 ** 3
print("| run | resident / streamed | streamed GiB/step | peak VRAM GiB (cudaMemGetInfo) | NVML process GiB | step ms | bound ms | H2D GB/s | efficiency |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    if "failed" in r:
        print(f"| {r['run']} | FAILED: {r['failed'][-120:]!r} |||||||")
    elif r.get("bench") == "dit":
        print(f"| {r['run']} | all resident | 0 | - | - | {1e3*r['forward_median_s']:.1f} | - | - | - |")
    elif r.get("bench") == "dit-stream":
        print(f"| {r['run']} | {r['resident_count']} / {r['streamed_count']} | {r['streamed_bytes_per_step']/G:.3f} | "
              f"{r['peak_vram_bytes']/G:.3f} | {r['peak_process_vram_bytes']/G:.3f} | {1e3*r['step_median_s']:.1f} | "
              f"{1e3*r['bound_s']:.1f} | {r['achieved_h2d_gbs']:.1f} | {r['efficiency']:.3f} |")
    else:  # dit-stream-real
        sim = r["sim_estimate"]
        print(f"| {r['run']} | {r['resident_count']} / {r['streamed_count']} | {r['streamed_bytes_per_forward']/G:.3f} | "
              f"{r['measured_peak_device_bytes']/G:.3f} | {r['process_device_bytes']/G:.3f} | "
              f"{1e3*r['streamed_forward_median_s']:.1f} | {1e3*sim['bound_s']:.1f} (sim) | - | "
              f"{sim['bound_s']/max(r['streamed_forward_median_s'],1e-9):.3f} |")
PY
rm -f "$tmp"
