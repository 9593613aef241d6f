// MotionClip (libtorch tensors, HY-Motion's 22 driven joints) -> SkeletalAnimation on the
// 52-joint SMPL-H skeleton (or only its 22 body joints), the input of every exporter.
// Root position = rest J_0 + transl, so SkeletalAnimation::world_positions() equals
// MotionClip::joints (fingers at rest). Thread safety: pure function.
#pragma once

#include "core/motion/motion_clip.h"
#include "core/motion/skeletal_animation.h"
#include "core/motion/skeleton.h"
#include "core/result.h"

namespace kinema {

// joints: 22 or 52 (InvalidRequest otherwise). Uses clip.rotations when defined, else rot6d.
// ShapeMismatch when transl is not (L, 3) or the rotations not (L, 22, 3, 3) / (L, 22, 6).
Result<SkeletalAnimation> animation_from_clip(const MotionClip& clip, int joints = 52,
                                              const Skeleton& skeleton = Skeleton::builtin());

// The inverse, for clips edited with the motion tools (resampled, in place, cleaned...): the 22
// body joints are found by name (the SMPL-H names of `skeleton`), rot6d/rotations/transl/joints
// are rebuilt (transl = root position - rest J_0; joints by FK, fingers at rest), fps kept.
// InvalidRequest if a body joint is missing; OutOfMemory/Internal from libtorch.
Result<MotionClip> clip_from_animation(const SkeletalAnimation& animation, int64_t seed = 0,
                                       const Skeleton& skeleton = Skeleton::builtin());

}  // namespace kinema
