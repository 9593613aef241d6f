// SkeletalAnimation: a joint hierarchy with rest offsets and per-frame local rotations plus the
// root's world position, in double precision and without libtorch. It is the common currency of
// the exporters (BVH, glTF, FBX, JSON), the BVH reader and the motion tools (resampling, in-place,
// foot contacts, loop blending), so every format shows the same pose from one FK.
// Forward kinematics: G_root = [R_root | root_position], G_j = G_parent(j) . [R_j | offset_j].
// Units: metres (unless a caller says otherwise), radians. Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/motion/pose_math.h"
#include "core/result.h"

namespace kinema {

struct SkeletalAnimation {
    std::vector<std::string> names;  // J joint names
    std::vector<int> parents;        // J, parents[0] = -1, parents[j] < j
    std::vector<Vec3> offsets_m;  // J rest offsets from the parent; the root's is its rest position
    // J optional end-site offsets (BVH "End Site"), relative to the joint; used for bone tails.
    std::vector<std::optional<Vec3>> end_sites_m;
    double fps = 30.0;
    std::vector<Vec3> root_positions_m;  // L world positions of the root joint
    std::vector<Mat3> local_rotations;   // L x J, frame-major: local_rotations[f * J + j]

    int num_joints() const { return static_cast<int>(parents.size()); }
    int64_t num_frames() const { return static_cast<int64_t>(root_positions_m.size()); }
    const Mat3& rotation(int64_t frame, int joint) const {
        return local_rotations[static_cast<size_t>(frame * num_joints() + joint)];
    }
    Mat3& rotation(int64_t frame, int joint) {
        return local_rotations[static_cast<size_t>(frame * num_joints() + joint)];
    }

    // ShapeMismatch if the vectors disagree in size or the parents are not topologically ordered;
    // InvalidRequest if fps <= 0 or a value is not finite.
    Status validate() const;

    // World joint positions L x J (frame-major) and, if `global_rotations` is given, the world
    // rotations L x J.
    std::vector<Vec3> world_positions(std::vector<Mat3>* global_rotations = nullptr) const;
    // Rest pose world positions (J): offsets accumulated from the root's rest position.
    std::vector<Vec3> rest_positions() const;

    // Children of joint j, in index order.
    std::vector<int> children(int joint) const;
};

// Index of the joint named `name`, or -1.
int find_joint(const SkeletalAnimation& animation, const std::string& name);

}  // namespace kinema
