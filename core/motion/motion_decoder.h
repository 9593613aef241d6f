// The official decode of a denormalised motion latent (_decode_o6dp with num_joints = 22,
// rel_trans = False, smoothing on; spec §5.1, §5.4.1-2), without the body model and grounding
// (see body_grounding.h). Thread safety: pure function; runs on the CPU.
#pragma once

#include <ATen/core/Tensor.h>

#include "core/result.h"

namespace kinema {

inline constexpr int64_t kMotionLatentDim = 201;
inline constexpr int64_t kMotionBodyJoints = 22;
// Savitzky-Golay window of the translation smoother; clips need at least this many frames
// (the pipeline clamps lengths to >= 20).
inline constexpr int64_t kMinDecodeFrames = 11;

struct DecodedMotion {
    at::Tensor rot6d;               // (S, L, 22, 6) f32: root + 21 local rotations, smoothed
    at::Tensor transl;              // (S, L, 3) f32, metres, Y-up: Savitzky-Golay, NOT grounded
    at::Tensor root_rotations_mat;  // (S, L, 3, 3) f32: rot6d_to_matrix(rot6d[:, :, 0])
};

// latent_denorm (S, L, 201) floating (cast to f32, moved to the CPU): transl = dims 0:3,
// root rot6d = 3:9, joints 1..21 rot6d = 9:135 (135:201 is ignored) -> rotation smoothing of all
// 22 joints (sigma 1), Savitzky-Golay (11, 5) of the translation.
// Errors: ShapeMismatch for any other shape; InvalidRequest if L < 11; Internal/OutOfMemory from
// libtorch.
Result<DecodedMotion> decode_motion(const at::Tensor& latent_denorm);

}  // namespace kinema
