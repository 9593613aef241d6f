// The streaming benchmark behind `kinema-cli bench dit --preserve-gb P`: plans the DiT for a VRAM
// budget, executes BlockStreamer's schedule for a number of sampling steps and measures step
// time, peak device memory, streamed bytes, achieved host->device bandwidth and the efficiency
// max(compute, streamed bytes / bandwidth) / step time.
//   - Simulated (any machine): SimulatedDevice with the given link and per-block compute times.
//   - CUDA: gpu::CudaStreamDevice with real pinned arenas and copies; each block's compute is a
//     busy-wait kernel of its estimated duration (the forward time split by FLOPs), so the copy/
//     compute overlap and the VRAM peak are real while the model's kernels are not involved.
// Runs on the calling thread; takes seconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/memory/block_model.h"
#include "core/memory/residency_planner.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"

namespace kinema {

struct StreamBenchOptions {
    MmditConfig config;
    WeightPrecision precision = WeightPrecision::Bf16;
    DitWorkload workload;
    uint64_t vram_budget_bytes = 0;  // device memory the run may use (0 on CUDA: what is free)
    uint64_t preserve_bytes = 0;
    PlanPolicy policy = PlanPolicy::MaxResident;
    LinkModel link;              // simulated link; on CUDA only the planner's estimate
    double flops_per_s = 40e12;  // per-block compute = flops / this ...
    double forward_s = 0;        // ... unless > 0: this forward time split by FLOPs
    int64_t steps = 20;
    double host_gap_s = 0.0;  // host work between steps (simulated only)
    bool cuda = false;
    int device = 0;
};

struct StreamBenchResult {
    bool simulated = true;
    ResidencyPlan plan;  // the plan executed (after an out-of-memory fallback, the new one)
    int fallbacks = 0;
    std::vector<std::string> reports;
    std::vector<double> step_times_s;
    double step_median_s = 0;
    uint64_t peak_vram_bytes = 0;  // sim: exact; CUDA: drop of cudaMemGetInfo free
    bool has_process_vram = false;
    uint64_t peak_process_vram_bytes = 0;  // NVML, includes the CUDA context
    uint64_t streamed_bytes_per_step = 0;
    double link_bytes_per_s = 0;      // sim: configured; CUDA: measured pinned H2D
    double achieved_bytes_per_s = 0;  // streamed bytes per step / step time
    double compute_s = 0;             // one forward, all resident
    double bound_s = 0;               // max(compute, streamed / link)
    double efficiency = 0;            // bound / median step
    uint64_t hazards = 0;             // sim only
};

Result<StreamBenchResult> run_stream_benchmark(const StreamBenchOptions& options);

}  // namespace kinema
