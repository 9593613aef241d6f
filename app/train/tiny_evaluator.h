// Generation + judging for kinema-tiny: runs the engine's own path (TinyTextConditioner ->
// HyMotionSampler, Euler, CFG) for a prompt and classifies the decoded world joints with the
// rule-based judge, after the engine's final decode (smoothing + grounding) unless post_process
// is false (raw FK of the sampled frames). Used by kinema-eval-tiny and the golden test. Runs on
// the calling thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "app/train/action_catalog.h"
#include "core/result.h"
#include "core/tiny/kinema_tiny_model.h"

namespace kinema::train {

struct GenerationOutcome {
    std::vector<Action> judged;  // one per part
    at::Tensor frames;           // (L, 201) denormalised
    double sample_s = 0;         // text encoding + sampling wall time
    std::string features;        // judge features of the whole clip, for reports
};

Result<GenerationOutcome> generate_and_judge(const KinemaTinyModel& model, TextConditioner& text,
                                             const std::string& prompt, int parts, int64_t seed,
                                             double duration_s = 4.0, int64_t steps = 50,
                                             double cfg_scale = 5.0, bool post_process = true);

}  // namespace kinema::train
