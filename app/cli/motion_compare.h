// Motion deviation between two generations of the same seeds (bench quality): MPJPE over the 22
// body joints in world space, root drift, and the largest joint-angle difference. CPU; pure.
#pragma once

#include "core/motion/motion_clip.h"

namespace kinema::cli {

struct MotionDeviation {
    double mpjpe_mm = 0;             // mean over frames and 22 joints of |p - p_ref|
    double root_drift_mean_mm = 0;   // mean over frames of |root - root_ref|
    double root_drift_final_mm = 0;  // at the last frame
    double max_angle_deg = 0;        // max over frames and 22 joints of angle(R_ref^T R)
};

// a and b must have the same frame count (the caller guarantees it: same request length).
MotionDeviation compare_motion(const MotionClip& a, const MotionClip& reference);

}  // namespace kinema::cli
