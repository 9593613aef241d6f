#include "core/memory/pipeline_planner.h"

#include <algorithm>
#include <cmath>

#include "core/memory/activation_estimate.h"
#include "core/memory/residency_planner.h"

namespace kinema {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / kGiB);
    return buf;
}

double device_flops(const DeviceBudget& b, WeightPrecision p) {
    if (b.device_flops_per_s > 0) return b.device_flops_per_s;
    return p == WeightPrecision::Fp32 ? 20e12 : 40e12;
}

double host_flops(const DeviceBudget& b) {
    return b.host_flops_per_s > 0 ? b.host_flops_per_s : 0.3e12;
}

struct Stages {
    std::vector<WeightBlock> encoder_blocks, dit_blocks;
    uint64_t encoder_activations = 0, dit_activations = 0;
    int64_t frames = 0, batch = 0;
};

Result<Stages> build_stages(const PipelineRequest& r) {
    Stages s;
    s.frames = std::clamp<int64_t>(std::llround(r.duration_s * r.fps),
                                   std::min<int64_t>(20, r.train_frames), r.train_frames);
    s.batch = 2 * r.seeds;
    auto dit = dit_blocks(r.dit, r.dit_precision, DitWorkload{s.batch, s.frames, r.text_tokens});
    if (!dit) return dit.error();
    s.dit_blocks = std::move(*dit);
    s.dit_activations =
        dit_activation_bytes(r.dit, {s.batch, s.frames, r.text_tokens}, r.dit_precision);
    if (r.run_encoders) {
        s.encoder_blocks = clip_text_blocks(r.clip_precision);
        const Qwen3Shape qwen;
        for (auto& b : qwen3_blocks(qwen, r.qwen_precision, r.prompt_tokens))
            s.encoder_blocks.push_back(b);
        s.encoder_activations =
            std::max(qwen3_activation_bytes(qwen, r.prompt_tokens, r.qwen_precision),
                     clip_activation_bytes(r.clip_precision));
    }
    return s;
}

Result<ResidencyPlan> stage_plan(const std::vector<WeightBlock>& blocks, uint64_t activations,
                                 uint64_t free_bytes, const PipelineRequest& r,
                                 const DeviceBudget& b, PlanPolicy policy, WeightPrecision p) {
    PlannerInput in;
    in.blocks = blocks;
    in.free_vram_bytes = free_bytes;
    in.preserve_bytes = r.preserve_bytes;
    in.activation_bytes = activations;
    in.flops_per_s = device_flops(b, p);
    in.link = b.link;
    in.policy = policy;
    return plan_residency(in);
}

uint64_t device_bytes(const std::vector<WeightBlock>& blocks) {
    uint64_t n = 0;
    for (const auto& b : blocks)
        if (!b.host_only) n += b.size_bytes;
    return n;
}

}  // namespace

const char* memory_profile_label(MemoryProfile p) {
    switch (p) {
        case MemoryProfile::Auto:
            return "auto";
        case MemoryProfile::MaxSpeed:
            return "max-speed";
        case MemoryProfile::Balanced:
            return "balanced";
        case MemoryProfile::LowVram:
            return "low-vram";
        case MemoryProfile::Cpu:
            return "cpu";
    }
    return "?";
}

Result<MemoryProfile> parse_memory_profile(std::string_view l) {
    for (auto p : {MemoryProfile::Auto, MemoryProfile::MaxSpeed, MemoryProfile::Balanced,
                   MemoryProfile::LowVram, MemoryProfile::Cpu})
        if (l == memory_profile_label(p)) return p;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown memory profile '" + std::string(l) +
                          "' (auto, max-speed, balanced, low-vram, cpu)");
}

MemoryProfile pick_profile(const PipelineRequest& r, const DeviceBudget& b, std::string* reason) {
    auto say = [&](MemoryProfile p, std::string why) {
        if (reason) *reason = std::move(why);
        return p;
    };
    if (r.profile != MemoryProfile::Auto) return say(r.profile, "chosen by the request");
    if (!b.has_device) return say(MemoryProfile::Cpu, "no CUDA device");
    auto stages = build_stages(r);
    if (!stages) return say(MemoryProfile::LowVram, "request could not be sized");
    const uint64_t usable =
        b.free_vram_bytes > r.preserve_bytes ? b.free_vram_bytes - r.preserve_bytes : 0;
    const uint64_t everything =
        device_bytes(stages->encoder_blocks) + device_bytes(stages->dit_blocks);
    if (everything + std::max(stages->encoder_activations, stages->dit_activations) <=
            usable + r.preserve_bytes &&
        everything <= usable)
        return say(MemoryProfile::MaxSpeed,
                   "every model fits resident in " + gib(usable) + " (free - P)");
    auto dit = stage_plan(stages->dit_blocks, stages->dit_activations, b.free_vram_bytes, r, b,
                          PlanPolicy::Knee, r.dit_precision);
    if (dit && dit->feasible && dit->knee_vram_bytes <= b.free_vram_bytes &&
        dit->forward_s <= dit->compute_s * 1.05)
        return say(MemoryProfile::Balanced, "the DiT reaches its knee (" +
                                                gib(dit->knee_vram_bytes) +
                                                ") within free VRAM; encoders are staged");
    return say(MemoryProfile::LowVram, "the DiT cannot stay compute-bound in " + gib(usable) +
                                           " (free - P): stream every block");
}

Result<PipelinePlan> plan_pipeline(const PipelineRequest& r, const DeviceBudget& b) {
    if (r.seeds < 1 || r.seeds > 64)
        return make_error(ErrorKind::InvalidRequest, "seeds must be in [1, 64]");
    if (!(r.duration_s > 0) || !(r.fps > 0))
        return make_error(ErrorKind::InvalidRequest, "duration and fps must be > 0");
    if (r.steps < 1 || r.text_tokens < 1 || r.prompt_tokens < 1)
        return make_error(ErrorKind::InvalidRequest, "steps and token counts must be >= 1");
    auto stages = build_stages(r);
    if (!stages) return stages.error();

    PipelinePlan plan;
    plan.profile = pick_profile(r, b, &plan.profile_reason);
    plan.frames = stages->frames;
    plan.batch = stages->batch;
    plan.has_encoders = r.run_encoders;
    const uint64_t enc_host = total_bytes(stages->encoder_blocks);
    const uint64_t dit_host = total_bytes(stages->dit_blocks);
    const double dit_compute_flops = total_flops(stages->dit_blocks);
    const double enc_compute_flops = total_flops(stages->encoder_blocks);

    if (plan.profile == MemoryProfile::Cpu) {
        // Everything runs on the host: weights in RAM, no device.
        const double f = host_flops(b);
        plan.step_s = dit_compute_flops / f;
        plan.encode_s = enc_compute_flops / f;
        plan.total_s = plan.encode_s + static_cast<double>(r.steps) * plan.step_s;
        plan.unconstrained_s = plan.total_s;
        plan.peak_ram_bytes = kHostBaselineBytes + std::max(enc_host + stages->encoder_activations,
                                                            dit_host + stages->dit_activations);
        plan.dit.activation_bytes = stages->dit_activations;
        plan.dit.compute_s = plan.dit.forward_s = plan.dit.bound_s = plan.step_s;
        plan.dit.feasible = plan.encoders.feasible = true;
    } else {
        const PlanPolicy dit_policy =
            plan.profile == MemoryProfile::MaxSpeed   ? PlanPolicy::MaxResident
            : plan.profile == MemoryProfile::Balanced ? PlanPolicy::Knee
                                                      : PlanPolicy::StreamAll;
        const PlanPolicy enc_policy = plan.profile == MemoryProfile::LowVram
                                          ? PlanPolicy::StreamAll
                                          : PlanPolicy::MaxResident;
        uint64_t dit_free = b.free_vram_bytes;
        if (r.run_encoders) {
            auto enc = stage_plan(stages->encoder_blocks, stages->encoder_activations,
                                  b.free_vram_bytes, r, b, enc_policy, r.qwen_precision);
            if (!enc) return enc.error();
            plan.encoders = std::move(*enc);
            plan.encode_s = plan.encoders.upload_s + plan.encoders.forward_s +
                            plan.encoders.first_forward_extra_s;
            // Keep the encoders loaded between runs only when both stages fit fully resident.
            const uint64_t enc_resident = plan.encoders.resident_bytes;
            if (plan.profile == MemoryProfile::MaxSpeed && plan.encoders.streamed_count == 0 &&
                b.free_vram_bytes > enc_resident) {
                auto dit_with =
                    stage_plan(stages->dit_blocks, stages->dit_activations,
                               b.free_vram_bytes - enc_resident, r, b, dit_policy, r.dit_precision);
                if (dit_with && dit_with->feasible && dit_with->streamed_count == 0) {
                    plan.keep_encoders_loaded = true;
                    dit_free = b.free_vram_bytes - enc_resident;
                }
            }
        }
        auto dit = stage_plan(stages->dit_blocks, stages->dit_activations, dit_free, r, b,
                              dit_policy, r.dit_precision);
        if (!dit) return dit.error();
        plan.dit = std::move(*dit);
        plan.step_s = plan.dit.forward_s;
        plan.total_s = plan.encode_s + plan.dit.upload_s + plan.dit.first_forward_extra_s +
                       static_cast<double>(r.steps) * plan.step_s;
        plan.unconstrained_s = enc_compute_flops / device_flops(b, r.qwen_precision) +
                               static_cast<double>(r.steps) * plan.dit.compute_s;
        plan.peak_vram_bytes =
            plan.keep_encoders_loaded
                ? plan.encoders.resident_bytes + plan.dit.peak_vram_bytes
                : std::max(plan.encoders.peak_vram_bytes, plan.dit.peak_vram_bytes);
        // Host: every weight stays in RAM (streamed ones in the chunk-rounded pinned arena) so an
        // out-of-memory fallback can stream more without reading files again. The encoders are
        // released (RAM too) before the DiT loads unless kept loaded.
        const uint64_t enc_ram =
            enc_host - plan.encoders.streamed_bytes + plan.encoders.pinned_bytes;
        const uint64_t dit_ram = dit_host - plan.dit.streamed_bytes + plan.dit.pinned_bytes;
        plan.peak_ram_bytes =
            kHostBaselineBytes +
            (plan.keep_encoders_loaded ? enc_ram + dit_ram : std::max(enc_ram, dit_ram));
        for (const auto& w : plan.encoders.warnings)
            plan.warnings.push_back("encoders: " + w);
        for (const auto& w : plan.dit.warnings)
            plan.warnings.push_back("DiT: " + w);
        const uint64_t pinned = std::max(plan.encoders.pinned_bytes, plan.dit.pinned_bytes);
        if (b.host_ram_bytes > 0 && pinned > b.host_ram_bytes / 2)
            plan.warnings.push_back("pinned host memory " + gib(pinned) +
                                    " exceeds half of RAM; the OS may refuse it");
    }
    plan.will_fit = (!r.run_encoders || plan.encoders.feasible) && plan.dit.feasible;
    if (b.host_available_bytes > 0 && plan.peak_ram_bytes > b.host_available_bytes) {
        plan.will_fit = false;
        plan.warnings.push_back(
            "needs " + gib(plan.peak_ram_bytes) + " of RAM but " + gib(b.host_available_bytes) +
            " are available" +
            (r.qwen_precision == WeightPrecision::Bf16 ? "; Qwen3 int8 halves the encoder" : ""));
    }
    if (plan.profile != MemoryProfile::Cpu && plan.peak_vram_bytes > b.free_vram_bytes) {
        plan.will_fit = false;
        plan.warnings.push_back("estimated peak VRAM " + gib(plan.peak_vram_bytes) +
                                " exceeds free VRAM " + gib(b.free_vram_bytes) +
                                "; lower seeds or duration, or use low-vram");
    }
    return plan;
}

}  // namespace kinema
