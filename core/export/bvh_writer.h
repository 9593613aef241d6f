// BVH writer: the standard hierarchy (joints in depth-first order, End Sites on leaves), rest
// offsets, configurable rotation order and unit scale. The root has OFFSET 0 0 0 and six channels
// whose position is the root's absolute position, so every reader's convention (position channel
// replaces or adds to the OFFSET) gives the same pose. Values: %.6f (positions in the chosen unit,
// angles in degrees, Euler curves kept continuous). BVH has no comment syntax that Blender and
// three.js both accept, so settings go to a JSON sidecar (see motion_exporter.h).
// Thread safety: pure functions.
#pragma once

#include <filesystem>
#include <string>

#include "core/motion/pose_math.h"
#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct BvhWriteOptions {
    EulerOrder rotation_order = {2, 1, 0};  // "ZYX": R = Rz Ry Rx (CMU's order)
    double units_per_m = 100.0;             // 100: centimetres, 1: metres
};

// The file's text. Errors of animation.validate(); InvalidRequest if units_per_m <= 0.
Result<std::string> bvh_text(const SkeletalAnimation& animation, const BvhWriteOptions& options);
// bvh_text() written atomically.
Status write_bvh(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const BvhWriteOptions& options);

}  // namespace kinema
