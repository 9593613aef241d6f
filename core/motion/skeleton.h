// The SMPL-H 52-joint skeleton HY-Motion animates (spec §5.3): 22 body joints (Pelvis..R_Wrist)
// then 30 finger joints (left Index1-3, Middle1-3, Pinky1-3, Ring1-3, Thumb1-3, then right), with
// the wooden boy's rest joint positions, and the official forward kinematics
// (body_model.simple_lbs): T_0 = [R_0 | J_0], T_i = T_parent(i) . [R_i | J_i - J_parent(i)].
// Thread safety: Skeleton is an immutable value; builtin() is initialised once, thread-safely.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema {

inline constexpr int64_t kSkeletonJoints = 52;

struct Skeleton {
    std::vector<std::string> names;  // J names (SMPL-H order)
    std::vector<int64_t> parents;    // J parents: parents[0] = -1, 0 <= parents[i] < i
    at::Tensor rest_joints_m;        // (J, 3) f32 CPU: rest positions, metres, Y-up, faces +Z

    int64_t num_joints() const { return static_cast<int64_t>(parents.size()); }

    // (J, 3) f32: J_i - J_parent(i); the root's row is its rest position.
    at::Tensor rest_offsets_m() const;

    // A built-in copy of the wooden boy's skeleton: joint_names.json, kintree.bin and the exact
    // float32 values of j_template.bin, so exports work without the Tencent assets.
    static const Skeleton& builtin();

    // From a dump_wooden folder: kintree.bin (int32 x J) and j_template.bin (float32 x J x 3);
    // names from joint_names.json when present (else the built-in names if J == 52, else
    // "Joint_<i>"). Io if a file is missing; BadModelFile if sizes disagree or parents are invalid.
    static Result<Skeleton> load(const std::filesystem::path& folder);
};

struct PosedSkeleton {
    at::Tensor transforms;  // (..., J, 4, 4) global joint transforms
    at::Tensor joints;      // (..., J, 3) posed joints = transforms[..., :3, 3]; the root stays at
                            // its rest position J_0 (the root translation is NOT included)
};

// local_rotations (..., K, 3, 3) with K = J, or K = 22 and J = 52 (the 30 finger joints then get
// identity rotations, as the official body model pads them). Floating dtype; the result has the
// rotations' dtype and device. ShapeMismatch for any other shape.
Result<PosedSkeleton> forward_kinematics(const Skeleton& skeleton,
                                         const at::Tensor& local_rotations);

}  // namespace kinema
