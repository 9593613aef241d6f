// Rule-based judge: classifies world joint motion (SMPL-H 22 body joints, metres, Y up, 30 fps)
// into one of the library's actions from root displacement direction and speed, heading change,
// airborne frames, pelvis height, head drop, wrist heights/oscillations/extension and foot lifts.
// Used to check the procedural clips themselves and kinema-tiny's generations.
// Thread: pure; any thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "app/train/action_catalog.h"

namespace kinema::train {

struct JudgeFeatures {
    double yaw_change_deg = 0, mid_speed_mps = 0, forward_m = 0, left_m = 0, mid_forward = 0,
           mid_left = 0;
    double airborne_frac = 0, one_foot_lifted_frac = 0, pelvis_min_m = 0, pelvis_mean_m = 0,
           pelvis_start_m = 0, pelvis_end_m = 0, head_rel_min_m = 0;
    double both_wrists_up_frac = 0, left_up_frac = 0, right_up_frac = 0;
    int left_osc = 0, right_osc = 0, claps = 0;
    double wrist_forward_max_m = 0, reach_asymmetry_m = 0, kick_left_m = 0, kick_right_m = 0;
    std::string describe() const;
};

// joints: (T, 22, 3) world joints; [begin, end) the window judged; the ground is the lowest sole
// over the whole clip.
JudgeFeatures judge_features(const at::Tensor& joints, int64_t begin, int64_t end);
Action judge_window(const JudgeFeatures& f);

// The clip split into `parts` equal windows, one action each.
std::vector<Action> judge_clip(const at::Tensor& joints, int parts);

}  // namespace kinema::train
