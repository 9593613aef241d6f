// Resampling a SkeletalAnimation to another frame rate: local rotations by quaternion slerp,
// the root position linearly. The clip keeps its duration (L - 1) / fps; the new frame count is
// floor(duration * fps_out + 1e-6) + 1, frame k sits at time k / fps_out.
// Thread safety: pure function.
#pragma once

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

// InvalidRequest if fps_out is not in (0, 1000]; errors of animation.validate().
Result<SkeletalAnimation> resample_animation(const SkeletalAnimation& animation, double fps_out);

}  // namespace kinema
