#include "app/cli/bench_dit.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

namespace kinema::cli {

Result<at::ScalarType> parse_precision(const std::string& p) {
    if (p == "fp32") return at::kFloat;
    if (p == "bf16") return at::kBFloat16;
    if (p == "fp16") return at::kHalf;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown precision '" + p + "' (fp32, bf16, fp16)");
}

Result<PlanPolicy> parse_profile(const std::string& profile) {
    if (profile == "max-speed") return PlanPolicy::MaxResident;
    if (profile == "balanced") return PlanPolicy::Knee;
    if (profile == "low-vram") return PlanPolicy::StreamAll;
    return make_error(ErrorKind::InvalidRequest,
                      "--profile must be max-speed, balanced or low-vram");
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

BenchInputs make_bench_inputs(const BenchDitArgs& a, const PipelineConfig& pipeline,
                              const MmditConfig& net) {
    BenchInputs in;
    in.batch = 2 * a.seeds;
    in.frames = a.no_trim ? pipeline.train_frames : a.frames;
    in.text_tokens = a.no_trim ? pipeline.max_length_llm : a.text_tokens;
    const int64_t batch = in.batch, lm = in.frames, lt = in.text_tokens;
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
    in.cond.ctxt_input = at::randn({batch, lt, net.ctxt_input_dim}, gen, f32);
    in.cond.vtxt_input = at::randn({batch, 1, net.vtxt_input_dim}, gen, f32);
    in.cond.motion_valid = (at::arange(lm) < a.frames).unsqueeze(0).expand({batch, lm});
    in.cond.text_valid = (at::arange(lt) < a.text_tokens).unsqueeze(0).expand({batch, lt});
    in.cond.text_position_offset = pipeline.train_frames;
    in.x = at::randn({batch, lm, net.input_dim}, gen, f32);
    return in;
}

}  // namespace kinema::cli
