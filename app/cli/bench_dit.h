// Shared pieces of `kinema-cli bench dit` (cmd_bench.cpp: resident and simulated benches;
// cmd_bench_stream.cpp: the real DiT streamed per block). CPU; the calling thread.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/memory/residency_planner.h"
#include "core/model/hymotion_mmdit.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"

namespace kinema::cli {

struct BenchDitArgs {
    std::string config = "lite";
    std::string weights;
    bool random_weights = false;
    int64_t frames = 120;
    int64_t text_tokens = 20;
    int64_t steps = 5;  // timed forwards (after one warm-up)
    int64_t seeds = 1;  // batch = 2 * seeds (CFG)
    std::string device = "cpu";
    std::string precision = "fp32";
    bool no_trim = false;  // run the official padded shapes (360 frames, 128 tokens)
    int threads = 0;
    // Streaming benchmark (when preserve_gb >= 0 or device == "sim").
    double preserve_gb = -1;
    double vram_gb = -1;        // budget; default: free VRAM on CUDA, 8 GiB simulated
    double bandwidth_gbs = 24;  // simulated link
    double latency_us = 10;
    double tflops = 0;     // effective; 0: 40 (16-bit) / 20 (fp32)
    double forward_s = 0;  // measured resident forward (bench dit --device cuda) to split by FLOPs
    double host_gap_ms = 0;
    std::string profile = "max-speed";
    bool stream_real = false;  // the real DiT streamed per block (default on the CPU)
};

Result<at::ScalarType> parse_precision(const std::string& p);
Result<PlanPolicy> parse_profile(const std::string& profile);
double median_of(std::vector<double> v);

// The benchmark's random inputs: batch 2 * seeds (CFG), frames and text tokens as requested (or
// the padded official shapes with --no-trim), from a fixed generator (seed 7) so every variant
// times the same tensors. x: (batch, frames, input_dim) float32.
struct BenchInputs {
    int64_t batch = 0, frames = 0, text_tokens = 0;
    MmditCondition cond;
    at::Tensor x;
};
BenchInputs make_bench_inputs(const BenchDitArgs& a, const PipelineConfig& pipeline,
                              const MmditConfig& net);

// The real DiT streamed per block (DitBlockStreaming); see cmd_bench_stream.cpp.
Result<nlohmann::json> run_bench_stream_real(const BenchDitArgs& a);

}  // namespace kinema::cli
