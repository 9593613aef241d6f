#include "app/train/tiny_evaluator.h"

#include <ATen/ATen.h>

#include <chrono>

#include "app/train/frame_codec.h"
#include "app/train/motion_judge.h"
#include "core/engine/clip_decoding.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema::train {

Result<GenerationOutcome> generate_and_judge(const KinemaTinyModel& model, TextConditioner& text,
                                             const std::string& prompt, int parts, int64_t seed,
                                             double duration_s, int64_t steps, double cfg_scale,
                                             bool post_process) {
    const auto t0 = std::chrono::steady_clock::now();
    auto feats = text.encode(prompt, nullptr);
    if (!feats) return feats.error();
    const HyMotionSampler sampler(*model.checkpoint.dit, model.checkpoint.pipeline,
                                  model.checkpoint.config.pipeline);
    SampleRequest req;
    req.seeds = {seed};
    req.duration_s = duration_s;
    req.steps = steps;
    req.cfg_scale = cfg_scale;
    auto res = sampler.sample(*feats, req);
    if (!res) return res.error();
    GenerationOutcome out;
    out.sample_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    try {
        out.frames = res->latent_denorm[0].contiguous();
        at::Tensor joints;
        if (post_process) {
            // What the user gets: the engine's final decode (official smoothing + grounding).
            ClipDecodeOptions decode;
            auto clips = decode_clips(res->latent_denorm, {seed}, decode);
            if (!clips) return clips.error();
            joints = clips->front().joints.slice(1, 0, 22).contiguous();
        } else {
            joints = world_joints_from_frames(out.frames);
        }
        out.judged = judge_clip(joints, parts);
        out.features = judge_features(joints, 0, joints.size(0)).describe();
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("judging failed: ") + e.what_without_backtrace());
    }
    return out;
}

}  // namespace kinema::train
