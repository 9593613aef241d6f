// HyMotionSampler: the official MotionFlowMatching.generate() from precomputed text features to
// the normalised and denormalised latent (spec §4). Decoding to rotations is core/motion's job.
// Owns nothing heavy: it borrows the DiT and the pipeline tensors, which must outlive it.
// One call at a time, on the engine's worker thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/model/hymotion_mmdit.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"
#include "core/sampling/flow_matching_sampler.h"
#include "core/sampling/teacache.h"

namespace kinema {

// The six non-DiT tensors of the checkpoint.
struct PipelineTensors {
    at::Tensor null_vtxt_feat;          // (1, 1, vtxt_input_dim)
    at::Tensor null_ctxt_input;         // (1, 1, ctxt_input_dim)
    at::Tensor special_game_vtxt_feat;  // (1, 1, vtxt_input_dim), unused by the shipped paths
    at::Tensor special_game_ctxt_feat;  // (1, 1, ctxt_input_dim), unused by the shipped paths
    at::Tensor mean, std;               // (input_dim,)

    // Reads the six keys (no prefix); lists every missing or mis-shaped one.
    static Result<PipelineTensors> from_state_dict(const std::map<std::string, at::Tensor>& tensors,
                                                   const MmditConfig& config);
};

// Text conditioning for ONE prompt, or one per seed (leading dim 1 or S).
struct TextFeatures {
    at::Tensor vtxt;         // (1|S, 1, vtxt_input_dim)
    at::Tensor ctxt;         // (1|S, Lt, ctxt_input_dim)
    at::Tensor ctxt_length;  // (1|S,) int64, valid tokens of ctxt
};

struct SampleRequest {
    std::vector<int64_t> seeds{0};
    double duration_s = 5.0;
    int64_t steps = 50;  // DiT evaluation budget: a k-evaluation solver takes max(1, steps/k) steps
    double cfg_scale = 5.0;
    Solver solver = Solver::Euler;
    bool trim = true;              // run only valid frames/tokens (exact; text keeps RoPE 360+i)
    bool keep_trajectory = false;  // fill SampleResult::trajectory (steps, S, L, C)
    // TeaCache (core/sampling/teacache.h): threshold > 0 enables skipping; coefficients empty =
    // identity rescale. record_teacache_trace fills SampleResult::teacache_trace (calibration).
    double teacache_threshold = 0.0;
    std::vector<double> teacache_coefficients;
    bool record_teacache_trace = false;
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const SamplerStep&)> on_step;  // x/x0 estimate hold valid frames only
};

struct SampleResult {
    int64_t frames = 0;            // L = round(duration_s * fps) clamped to [20, train_frames]
    at::Tensor noise;              // (S, train_frames, C)
    at::Tensor latent;             // (S, L, C)
    at::Tensor latent_denorm;      // (S, L, C): latent * std' + mean, std' = 0 where std < 1e-3
    at::Tensor trajectory;         // (steps, S, L, C) when requested
    int64_t dit_evaluations = 0;   // DiT forwards whose block stack ran
    int64_t teacache_skipped = 0;  // evaluations answered from the TeaCache residual
    int64_t solver_steps = 0;      // ODE steps taken (steps / evaluations per solver step)
    std::vector<TeaCacheTracePoint> teacache_trace;
};

// round(duration_s * fps) with Python's round-half-even, clamped to [min(train,20), train].
int64_t frames_for_duration(double duration_s, const PipelineConfig& pipeline);

class HyMotionSampler {
public:
    HyMotionSampler(const HyMotionMmdit& dit, const PipelineTensors& tensors,
                    const PipelineConfig& pipeline);

    Result<SampleResult> sample(const TextFeatures& text, const SampleRequest& request) const;

private:
    const HyMotionMmdit& dit_;
    const PipelineTensors& tensors_;
    PipelineConfig pipeline_;
};

}  // namespace kinema
