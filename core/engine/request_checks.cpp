#include "core/engine/request_checks.h"

#include "core/memory/host_memory.h"
#include "core/memory/pipeline_planner.h"

namespace kinema {

Status validate_request(const GenerationRequest& r) {
    std::string problems;
    auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
    if (!(r.duration_s > 0.0 && r.duration_s <= 12.0)) add("duration_s must be in (0, 12]");
    if (r.steps < 1 || r.steps > 1000) add("steps must be in [1, 1000]");
    if (!(r.cfg_scale >= 0.0 && r.cfg_scale <= 30.0)) add("cfg_scale must be in [0, 30]");
    if (r.seeds.empty() || r.seeds.size() > 16) add("between 1 and 16 seeds are required");
    if (!(r.gpu_memory_preservation_gb >= 0.0)) add("gpu_memory_preservation_gb must be >= 0");
    if (r.teacache.enabled && !(r.teacache.threshold > 0.0)) add("teacache threshold must be > 0");
    if (r.prompt.empty() && !r.text_features) add("the prompt is empty");
    if (!problems.empty()) return make_error(ErrorKind::InvalidRequest, problems);
    return {};
}

Result<at::ScalarType> dit_dtype(const GenerationRequest& r) {
    if (r.quality_mode) return at::kFloat;
    switch (r.precision) {
        case PrecisionProfile::Auto:
        case PrecisionProfile::Fp32:
            return at::kFloat;
        case PrecisionProfile::Bf16:
            return at::kBFloat16;
        case PrecisionProfile::Fp16:
            // libtorch's CPU kernels have no fp16 matrix multiply (this build runs on the CPU).
            return make_error(ErrorKind::Unsupported,
                              "fp16 needs a CUDA device; use fp32 or bf16 on the CPU");
    }
    return make_error(ErrorKind::InvalidRequest, "unknown precision");
}

Status preflight_memory(const GenerationRequest& req, const LoadedModel& m, at::ScalarType dtype,
                        const GenerationCallbacks& cb) {
    PipelineRequest pr;
    pr.dit = m.checkpoint.config.network;
    pr.seeds = static_cast<int64_t>(req.seeds.size());
    pr.duration_s = req.duration_s;
    pr.fps = m.checkpoint.config.pipeline.fps;
    pr.train_frames = m.checkpoint.config.pipeline.train_frames;
    pr.text_tokens = m.checkpoint.config.pipeline.max_length_llm;
    pr.steps = req.steps;
    pr.dit_precision = dtype == at::kFloat  ? WeightPrecision::Fp32
                       : dtype == at::kHalf ? WeightPrecision::Fp16
                                            : WeightPrecision::Bf16;
    pr.run_encoders = !req.text_features && m.info.kind == "hymotion";
    pr.preserve_bytes = static_cast<uint64_t>(req.gpu_memory_preservation_gb * double(1ull << 30));
    DeviceBudget budget;
    const auto host = read_host_memory();
    budget.host_ram_bytes = host.total_bytes;
    budget.host_available_bytes = host.available_bytes;
    auto plan = plan_pipeline(pr, budget);
    if (!plan) return plan.error();
    if (cb.log)
        for (const auto& w : plan->warnings)
            cb.log(LogLevel::Warning, w);
    if (host.total_bytes > 0 && plan->peak_ram_bytes > host.total_bytes)
        return make_error(ErrorKind::OutOfMemory, "this run needs about " +
                                                      std::to_string(plan->peak_ram_bytes >> 20) +
                                                      " MiB of RAM, the machine has " +
                                                      std::to_string(host.total_bytes >> 20) +
                                                      " MiB: use fewer seeds or a shorter clip");
    return {};
}

}  // namespace kinema
