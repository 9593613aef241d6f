// The staged pipeline plan and pre-flight estimate of one generation request (DESIGN "Memory and
// speed"): stage 1 runs the text encoders (CLIP-L, then Qwen3-8B streamed layer by layer if
// needed) under their own residency plan; their embeddings are cached and the encoders released
// (unless everything fits at once, then they stay loaded between runs); stage 2 plans the DiT into
// the freed memory. A named memory profile (max-speed, balanced, low-VRAM, CPU) is picked from
// the detected VRAM/RAM unless the caller names one. The result says, before anything is loaded,
// whether the run would fail and why. Pure function; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/memory/block_model.h"
#include "core/memory/residency_plan.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"

namespace kinema {

enum class MemoryProfile { Auto, MaxSpeed, Balanced, LowVram, Cpu };
const char* memory_profile_label(MemoryProfile profile);  // "auto", "max-speed", "balanced", ...
Result<MemoryProfile> parse_memory_profile(std::string_view label);

// Process baseline in host RAM (libtorch, CUDA context host side, Qt, buffers).
constexpr uint64_t kHostBaselineBytes = 1536ull << 20;

// What the machine offers. Throughputs of 0 pick the defaults below.
struct DeviceBudget {
    bool has_device = false;
    uint64_t total_vram_bytes = 0;
    uint64_t free_vram_bytes = 0;
    uint64_t host_ram_bytes = 0;        // physical RAM
    uint64_t host_available_bytes = 0;  // RAM available to this run
    LinkModel link;
    double device_flops_per_s = 0;  // effective; default 40e12 (16-bit) / 20e12 (fp32)
    double host_flops_per_s = 0;    // CPU profile; default 0.3e12
};

struct PipelineRequest {
    MmditConfig dit;
    int64_t seeds = 1;        // batch = 2 x seeds (CFG batched into one forward)
    double duration_s = 5.0;  // -> frames = clamp(round(duration x fps), 20, train_frames)
    double fps = 30.0;
    int64_t train_frames = 360;
    int64_t text_tokens = 128;    // DiT text length (max_length_llm)
    int64_t prompt_tokens = 256;  // one Qwen3 encode: chat template + system prompt + prompt
    int64_t steps = 50;
    WeightPrecision dit_precision = WeightPrecision::Bf16;
    WeightPrecision qwen_precision = WeightPrecision::Bf16;
    WeightPrecision clip_precision = WeightPrecision::Fp16;
    bool run_encoders = true;              // false: text features are precomputed (no stage 1)
    uint64_t preserve_bytes = 6ull << 30;  // P; FramePack's default
    MemoryProfile profile = MemoryProfile::Auto;
};

struct PipelinePlan {
    MemoryProfile profile = MemoryProfile::Auto;  // the one used (never Auto)
    std::string profile_reason;
    int64_t frames = 0;
    int64_t batch = 0;
    bool has_encoders = false;
    ResidencyPlan encoders;             // stage 1 (one forward per prompt)
    ResidencyPlan dit;                  // stage 2 (one forward per sampling step)
    bool keep_encoders_loaded = false;  // both stages fit at once
    uint64_t peak_vram_bytes = 0;
    uint64_t peak_ram_bytes = 0;
    double encode_s = 0;         // stage 1 incl. upload
    double step_s = 0;           // one sampling step (steady state)
    double total_s = 0;          // encode + DiT upload + steps
    double unconstrained_s = 0;  // the same with every weight resident and no uploads
    bool will_fit = false;
    std::vector<std::string> warnings;
};

// Chooses the profile for `request` on `budget` (Auto only; a named profile is returned as is).
MemoryProfile pick_profile(const PipelineRequest& request, const DeviceBudget& budget,
                           std::string* reason = nullptr);

// InvalidRequest for out-of-range values (seeds < 1, duration <= 0, ...). A request that would
// not fit is NOT an error: will_fit = false and the warnings say why.
Result<PipelinePlan> plan_pipeline(const PipelineRequest& request, const DeviceBudget& budget);

}  // namespace kinema
