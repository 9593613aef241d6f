// Motion edits beyond the official post-processing, on a SkeletalAnimation (metres, Y-up):
// trimming, in-place (root translation locked per axis, heading optionally kept) and loop
// blending (the end eased into the start). Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

// Frames [first_frame, first_frame + frame_count). InvalidRequest if out of range or empty.
Result<SkeletalAnimation> trim_animation(const SkeletalAnimation& animation, int64_t first_frame,
                                         int64_t frame_count);

struct InPlaceOptions {
    bool lock_x = true;        // keep the root at frame 0's x
    bool lock_y = false;       // keep the root at frame 0's height (off: jumps stay jumps)
    bool lock_z = true;        // keep the root at frame 0's z
    bool keep_heading = true;  // false: remove the root's yaw change, facing frame 0's heading
};
Result<SkeletalAnimation> make_in_place(const SkeletalAnimation& animation,
                                        const InPlaceOptions& options = {});

// Heading of the root (yaw about +Y, radians) of a frame: atan2 of the rotated +Z axis.
double root_heading_rad(const SkeletalAnimation& animation, int64_t frame);

struct LoopBlendOptions {
    int64_t blend_frames = 10;           // the last N frames ease into the first frame's pose
    bool blend_root_horizontal = false;  // also pull the root's x/z back to frame 0 (in place)
};
// After blending, the last frame equals the first (play frames [0, L - 1) in a loop). Local
// rotations are corrected by slerp(identity, R_first R_last^-1, w) with a smoothstep weight w
// rising to 1 on the last frame; the root's height (and x/z if asked) likewise, linearly.
// InvalidRequest if blend_frames < 1 or > L - 1.
Result<SkeletalAnimation> blend_loop(const SkeletalAnimation& animation,
                                     const LoopBlendOptions& options = {});

}  // namespace kinema
