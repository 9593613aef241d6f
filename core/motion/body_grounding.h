// Ground alignment of a decoded motion (the body-model half of _decode_o6dp, spec §5.4.3-4): pose
// the wooden boy in every frame, take the lowest vertex over all frames of a sample (translation
// included) and shift the motion so that it touches y = 0.
// Thread safety: pure functions over immutable inputs.
#pragma once

#include <ATen/core/Tensor.h>

#include "core/motion/motion_decoder.h"
#include "core/motion/skeleton.h"
#include "core/motion/wooden_body.h"
#include "core/result.h"

namespace kinema {

struct GroundedMotion {
    at::Tensor transl;                // (S, L, 3) f32: transl_before_ground with y -= min_y[s]
    at::Tensor transl_before_ground;  // (S, L, 3) f32: DecodedMotion::transl
    // (S, L, 52, 3) f32, EXACTLY as the official output: posed joints WITHOUT the root translation,
    // only y-shifted by -min_y. Do not add `transl` to it (that subtracts min_y twice); use
    // joints_world for positions in the world.
    at::Tensor keypoints3d;
    at::Tensor joints_world;  // (S, L, 52, 3) f32: posed joints + grounded transl (feet on y = 0)
    at::Tensor min_y;         // (S,) f32: lowest vertex y over all frames, before grounding
    at::Tensor frame_min_y;   // (S, L) f32: lowest vertex y of each frame, before grounding
};

// The official grounding with the wooden-boy mesh. motion.rot6d (S, L, 22, 6), motion.transl
// (S, L, 3). ShapeMismatch on other shapes or a body whose skeleton is not 52 joints.
Result<GroundedMotion> ground_motion(const DecodedMotion& motion, const WoodenBody& body);

// Sole offset of the skeleton-only approximation, metres: the wooden boy's lowest rest vertex
// (y = -1.16100) lies 3.30 cm below its lowest rest joint (R_Foot, y = -1.12802).
inline constexpr float kRestSoleOffsetM = 0.0329801f;

// Approximate grounding without the mesh (when the Tencent assets are absent): every frame's lowest
// point is taken to be its lowest joint (all 52, world y = posed joint + transl) minus
// `sole_offset_m`; min_y and frame_min_y use that, everything else is derived as in
// ground_motion(). Exact for the rest pose standing on its feet; with the foot tilted (toes or heel
// down), lying or kneeling poses the mesh reaches a few cm lower or higher than this estimate.
Result<GroundedMotion> ground_motion_skeleton_only(const DecodedMotion& motion,
                                                   const Skeleton& skeleton = Skeleton::builtin(),
                                                   float sole_offset_m = kRestSoleOffsetM);

}  // namespace kinema
