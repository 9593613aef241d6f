#!/usr/bin/env bash
# Issue 4's GPU check of the fused int8/int4 dequantisation kernels (gpu/dequant_kernels.{h,cu}):
# `kinema-cli bench dequant --device cuda` on the Qwen3-8B linear shapes (4096x4096, 1024x4096,
# 12288x4096, 4096x12288) and an odd 200x130, per precision. Each weight is quantised on the CPU,
# dequantised on the CPU (reference) and on the GPU by the kernel path and by the ATen path
# (KINEMA_DEQUANT_KERNEL=0); both must be bit-identical to the CPU (max |diff| = 0, the command
# exits 1 otherwise). Timings are of a weight already stored on the GPU (median of 20, after one
# warm-up); "from host" adds the pageable host->device copy of the stored form.
# NOT RUN YET (no GPU in the session that wrote it). Needs a CUDA build (preset `gpu`, libtorch
# 2.x with CUDA, nvcc; no Qt) and about 2 minutes on one GPU (mostly the CPU quantisation).
# Writes docs/benchmarks/dequant-gpu.json (one object per precision) and prints a Markdown table
# for docs/benchmarks/text-quant.md ("CUDA dequantisation"). Exits 1 when any result differs.
#
#   cmake --preset gpu -DCMAKE_PREFIX_PATH=/path/to/libtorch && cmake --build build/gpu --target kinema-cli
#   docs/benchmarks/run_dequant_gpu.sh [build/gpu/app/cli/kinema-cli]
set -euo pipefail
cli="${1:-build/gpu/app/cli/kinema-cli}"
out="docs/benchmarks/dequant-gpu.json"
tmp=$(mktemp)
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/# /' >&2

run() {  # one JSON object per line into $tmp; a failed, mismatching or hung run is recorded
  local precision="$1" rc=0
  timeout 600 "$cli" bench dequant --device cuda --precision "$precision" --repeats 20 --json \
    > /tmp/kinema-dequant.json 2> /tmp/kinema-dequant.err || rc=$?
  python3 - "$precision" "$rc" >> "$tmp" <<'PY'
import json, sys
precision, rc = sys.argv[1], int(sys.argv[2])
try:
    d = json.load(open("/tmp/kinema-dequant.json"))
except Exception:
    d = {}
if "results" not in d:
    d = {"failed": (open("/tmp/kinema-dequant.err").read()[-2000:] or json.dumps(d))}
d["run"] = precision
d["exit_code"] = rc
print(json.dumps(d))
PY
}
run int8
run int4

status=0
python3 - "$tmp" "$out" <<'PY' || status=$?
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
json.dump(runs, open(sys.argv[2], "w"), indent=1)
print("| shape (out x in) | precision | path | max abs diff | median ms | min ms | GB/s | from host ms |")
print("|---|---|---|---|---|---|---|---|")
bad = False
for r in runs:
    if "failed" in r:
        print(f"| - | {r['run']} | FAILED (exit {r['exit_code']}): {r['failed'][-120:]!r} ||||||")
        bad = True
        continue
    bad = bad or r["exit_code"] != 0 or not r["all_exact"]
    if not r.get("kernels_built", False):
        print(f"<!-- {r['run']}: gpu/ was built WITHOUT CUDA, the 'default' path is ATen -->")
    for x in r["results"]:
        diff = "NaN/inf" if x["max_abs_diff"] is None else f"{x['max_abs_diff']:g}"
        host = f"{x['from_host_median_ms']:.2f}" if "from_host_median_ms" in x else "-"
        print(f"| {x['out_features']}x{x['in_features']} | {x['precision']} | {x['path']} | {diff} | "
              f"{x['median_ms']:.3f} | {x['min_ms']:.3f} | {x['gbs']:.1f} | {host} |")
print()
print("ALL BIT-IDENTICAL TO THE CPU" if not bad else "MISMATCH OR FAILURE: see the table and " + sys.argv[2])
sys.exit(1 if bad else 0)
PY
rm -f "$tmp"
exit $status
