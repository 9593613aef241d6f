// HY-Motion's 201-d frame vector (spec §5.1) for procedural clips, and the way back to world
// joints:
//   0:3 root translation | 3:9 root rot6d | 9:135 joints 1..21 local rot6d | 135:201 22 body-frame
//   joint positions (FK with the root orientation, without translation; ignored by the decoder).
// rot6d uses HY-Motion's layout (core/motion/rotations.h). Thread: any. Throws c10::Error only on
// a caller bug (wrong shapes).
#pragma once

#include <ATen/core/Tensor.h>

#include "app/train/motion_synth.h"

namespace kinema::train {

inline constexpr int64_t kFrameDim = 201;

// (T, 201) float32.
at::Tensor encode_frames(const SynthClip& clip);

// frames (T, 201) (denormalised) -> world joints (T, 22, 3) float32: FK of the decoded rotations on
// the built-in skeleton plus the root translation.
at::Tensor world_joints_from_frames(const at::Tensor& frames);

// World joints of a synthesized clip as (T, 22, 3) float32.
at::Tensor world_joints_tensor(const SynthClip& clip);

}  // namespace kinema::train
