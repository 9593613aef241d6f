// Procedural motion synthesis on the SMPL-H 22-joint body (HY-Motion's skeleton, spec §5.3) at
// 30 fps: parametric generators per Action produce local joint rotations and foot contacts; a root
// solver then derives the root translation from the planted foot (no sliding while a foot is in
// contact), ballistic flights, and ground contact (the lowest sole touches y = 0, never below).
// Thread: pure; any thread. Deterministic for a given spec and seed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "app/train/action_catalog.h"
#include "app/train/motion_math.h"

namespace kinema::train {

struct SynthClip {
    int64_t frames = 0;
    std::vector<Mat3> rotations;     // frames x 22: [0] = global root orientation, others local
    std::vector<Vec3> transl;        // frames: root translation, metres (SMPL convention)
    std::vector<Vec3> body_joints;   // frames x 22: FK joints without translation
    std::vector<Vec3> world_joints;  // frames x 22: body_joints + transl
    std::vector<std::array<bool, 2>> contact;  // frames: left / right foot planted
};

SynthClip synthesize(const ClipSpec& spec, uint64_t seed);

// Horizontal speed of the planted feet (foot joints 10/11) over frames where the foot is in contact
// in both this and the previous frame, cm/s: mean and max.
struct FootSkate {
    double mean_cm_s = 0, max_cm_s = 0;
};
FootSkate measure_foot_skate(const SynthClip& clip);

// Lowest sole height over the clip (metres; < 0 is ground penetration).
double min_sole_height_m(const SynthClip& clip);

}  // namespace kinema::train
