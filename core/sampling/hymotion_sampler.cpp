#include "core/sampling/hymotion_sampler.h"

#include <optional>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/sampling/seeded_noise.h"

namespace kinema {
namespace {

std::string dims(at::IntArrayRef s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

}  // namespace

Result<PipelineTensors> PipelineTensors::from_state_dict(
    const std::map<std::string, at::Tensor>& tensors, const MmditConfig& c) {
    PipelineTensors p;
    std::vector<std::string> problems;
    const auto take = [&](const char* key, std::vector<int64_t> shape, at::Tensor& out) {
        auto it = tensors.find(key);
        if (it == tensors.end()) {
            problems.push_back(std::string("missing ") + key);
            return;
        }
        if (it->second.sizes() != at::IntArrayRef(shape)) {
            problems.push_back(std::string(key) + ": got " + dims(it->second.sizes()) +
                               ", expected " + dims(shape));
            return;
        }
        out = it->second.to(at::kFloat, /*non_blocking=*/false, /*copy=*/true).contiguous();
    };
    take("null_vtxt_feat", {1, 1, c.vtxt_input_dim}, p.null_vtxt_feat);
    take("null_ctxt_input", {1, 1, c.ctxt_input_dim}, p.null_ctxt_input);
    take("special_game_vtxt_feat", {1, 1, c.vtxt_input_dim}, p.special_game_vtxt_feat);
    take("special_game_ctxt_feat", {1, 1, c.ctxt_input_dim}, p.special_game_ctxt_feat);
    take("mean", {c.input_dim}, p.mean);
    take("std", {c.input_dim}, p.std);
    if (!problems.empty()) {
        std::string msg = "pipeline tensors do not match the model config:";
        for (const auto& s : problems)
            msg += "\n  " + s;
        return make_error(ErrorKind::BadModelFile, msg);
    }
    return p;
}

int64_t frames_for_duration(double duration_s, const PipelineConfig& pipeline) {
    const auto raw = static_cast<int64_t>(std::nearbyint(duration_s * pipeline.fps));
    const int64_t lo = std::min<int64_t>(pipeline.train_frames, 20);
    return std::clamp<int64_t>(raw, lo, pipeline.train_frames);
}

HyMotionSampler::HyMotionSampler(const HyMotionMmdit& dit, const PipelineTensors& tensors,
                                 const PipelineConfig& pipeline)
    : dit_(dit), tensors_(tensors), pipeline_(pipeline) {}

Result<SampleResult> HyMotionSampler::sample(const TextFeatures& text,
                                             const SampleRequest& req) const {
    const auto& cfg = dit_.config();
    const auto s = static_cast<int64_t>(req.seeds.size());
    if (s == 0) return make_error(ErrorKind::InvalidRequest, "at least one seed is required");
    if (!(req.duration_s > 0.0) || req.duration_s * pipeline_.fps >= 5000.0)
        return make_error(ErrorKind::InvalidRequest, "duration must be in (0, 166) seconds");
    if (!text.vtxt.defined() || !text.ctxt.defined() || !text.ctxt_length.defined() ||
        text.ctxt.dim() != 3 || text.vtxt.dim() != 3 || text.ctxt_length.dim() != 1)
        return make_error(ErrorKind::ShapeMismatch,
                          "text features must be vtxt (N,1,C), ctxt (N,Lt,C), ctxt_length (N,)");
    const int64_t n = text.ctxt.size(0);
    if ((n != 1 && n != s) || text.vtxt.size(0) != n || text.ctxt_length.size(0) != n)
        return make_error(ErrorKind::ShapeMismatch,
                          "text features must have 1 or " + std::to_string(s) + " rows, got ctxt " +
                              dims(text.ctxt.sizes()) + ", vtxt " + dims(text.vtxt.sizes()) +
                              ", ctxt_length " + dims(text.ctxt_length.sizes()));
    try {
        c10::InferenceMode guard;
        SampleResult out;
        const int64_t frames = frames_for_duration(req.duration_s, pipeline_);
        out.frames = frames;
        const int64_t train = pipeline_.train_frames;
        const int64_t lt_full = text.ctxt.size(1);

        at::Tensor vtxt = text.vtxt.to(at::kFloat).expand({s, 1, cfg.vtxt_input_dim});
        at::Tensor ctxt = text.ctxt.to(at::kFloat).expand({s, lt_full, cfg.ctxt_input_dim});
        const at::Tensor ctxt_length = text.ctxt_length.to(at::kLong).expand({s}).clamp(0, lt_full);

        // Lengths actually run: trimmed to the valid frames and the longest valid text.
        const int64_t lm = req.trim ? frames : train;
        const int64_t lt =
            req.trim ? std::max<int64_t>(1, ctxt_length.max().item<int64_t>()) : lt_full;
        ctxt = ctxt.slice(1, 0, lt);
        const at::Tensor text_valid =
            at::arange(lt, at::kLong).unsqueeze(0) < ctxt_length.unsqueeze(1);
        const at::Tensor motion_valid =
            (at::arange(lm, at::kLong) < frames).unsqueeze(0).expand({s, lm});

        MmditCondition cond;
        const bool cfg_on = req.cfg_scale > 1.0;
        if (cfg_on) {
            const at::Tensor null_ctxt =
                pipeline_.enable_ctxt_null_feat
                    ? tensors_.null_ctxt_input.expand({s, lt, cfg.ctxt_input_dim})
                    : ctxt;
            cond.vtxt_input =
                at::cat({tensors_.null_vtxt_feat.expand({s, 1, cfg.vtxt_input_dim}), vtxt}, 0);
            cond.ctxt_input = at::cat({null_ctxt, ctxt}, 0);
            cond.text_valid = at::cat({text_valid, text_valid}, 0);
            cond.motion_valid = at::cat({motion_valid, motion_valid}, 0);
        } else {
            cond.vtxt_input = vtxt;
            cond.ctxt_input = ctxt;
            cond.text_valid = text_valid;
            cond.motion_valid = motion_valid;
        }
        cond.text_position_offset = train;
        auto prepared = dit_.prepare(cond);
        if (!prepared) return prepared.error();

        out.noise = seeded_noise(req.seeds, train, cfg.input_dim);
        int64_t evaluations = 0;
        const int64_t solver_steps =
            std::max<int64_t>(1, req.steps / evaluations_per_step(req.solver));
        std::optional<TeaCache> teacache;
        if (req.teacache_threshold > 0.0 || req.record_teacache_trace)
            teacache.emplace(req.teacache_threshold, req.teacache_coefficients,
                             solver_steps * evaluations_per_step(req.solver));
        const VelocityFn velocity = [&](const at::Tensor& x, float t) -> Result<at::Tensor> {
            const at::Tensor tt = at::full({x.size(0)}, t, at::TensorOptions().dtype(at::kFloat));
            if (teacache) return teacache->forward(dit_, x, tt, *prepared).to(at::kFloat);
            ++evaluations;
            auto v = dit_.forward(x, tt, *prepared);
            if (!v) return v.error();
            return v->to(at::kFloat);
        };
        std::vector<at::Tensor> trajectory;
        SamplerOptions options;
        options.steps = solver_steps;
        options.cfg_scale = req.cfg_scale;
        if (pipeline_.translation_guidance_cap > 0.0)
            options.translation_cfg_scale =
                std::min(req.cfg_scale, pipeline_.translation_guidance_cap);
        options.solver = req.solver;
        options.cancel = req.cancel;
        options.on_step = [&](const SamplerStep& step) {
            if (req.keep_trajectory) trajectory.push_back(step.x->slice(1, 0, frames).clone());
            if (req.on_step) {
                const at::Tensor x = step.x->slice(1, 0, frames);
                const at::Tensor x0 = step.x0_estimate->slice(1, 0, frames);
                SamplerStep cropped = step;
                cropped.x = &x;
                cropped.x0_estimate = &x0;
                req.on_step(cropped);
            }
        };
        auto x1 = sample_flow(velocity, out.noise.slice(1, 0, lm).contiguous(), options);
        if (!x1) return x1.error();
        out.solver_steps = solver_steps;
        out.dit_evaluations = teacache ? teacache->computed() : evaluations;
        if (teacache) {
            out.teacache_skipped = teacache->skipped();
            out.teacache_trace = teacache->trace();
        }
        out.latent = x1->slice(1, 0, frames).contiguous();
        const at::Tensor std_eff =
            at::where(tensors_.std < 1e-3, at::zeros_like(tensors_.std), tensors_.std);
        out.latent_denorm = out.latent * std_eff + tensors_.mean;
        if (req.keep_trajectory) out.trajectory = at::stack(trajectory, 0);
        return out;
    } catch (const c10::Error& err) {
        return make_error(ErrorKind::Internal,
                          std::string("sampling failed: ") + err.what_without_backtrace());
    }
}

}  // namespace kinema
