// Kinema's own mannequin: one capsule per bone (parent joint -> joint, and joint -> end for the
// leaves: head, hands, feet, finger tips), generated from the skeleton's rest pose and rigidly
// skinned to the bone's joint. It is our asset, unlike the Tencent wooden boy.
// Units: metres, Y-up, rest pose. Triangles are counter-clockwise seen from outside.
// Thread safety: pure function.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/motion/skeletal_animation.h"

namespace kinema {

struct MannequinMesh {
    std::vector<Vec3> positions;                  // V, rest pose
    std::vector<Vec3> normals;                    // V, unit length
    std::vector<std::array<uint16_t, 4>> joints;  // V, skin joint indices (first one weighted)
    std::vector<std::array<float, 4>> weights;    // V, (1, 0, 0, 0)
    std::vector<uint32_t> indices;                // 3 per triangle
};

// Radius (m) of the capsule of the bone that ends at (for a leaf: starts at) the joint called
// `joint_name` (SMPL-H names, matched by part: "Spine", "Knee", ...), at most 0.6 x the bone
// length + 5 mm so short bones stay capsules; unknown parts get 0.2 x the length in [5 mm, 6 cm].
// The viewport's mannequin uses the same proportions. Pure; any thread.
double mannequin_bone_radius_m(const std::string& joint_name, double length_m);

// Capsule radius per bone: mannequin_bone_radius_m.
MannequinMesh build_mannequin(const SkeletalAnimation& skeleton, int segments = 12,
                              int rings_per_cap = 4);

}  // namespace kinema
