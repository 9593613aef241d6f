// glTF 2.0 binary (GLB) writer: one node per joint (rest offsets as translations, identity rest
// rotations), a skin with inverse bind matrices, optionally Kinema's capsule mannequin as a skinned
// mesh, and one animation "Motion" with the root's translation and every joint's rotation
// (LINEAR, times k / fps). Settings JSON goes to asset.extras.kinema and the scene's extras.
// Y-up, metres, +Z forward (glTF's own conventions). Thread safety: pure functions.
#pragma once

#include <filesystem>
#include <string>

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct GltfWriteOptions {
    bool mannequin = true;
    std::string settings_json;  // a JSON object; empty: none
    std::string animation_name = "Motion";
};

// The .glb bytes. Errors of animation.validate(); InvalidRequest if settings_json is not JSON or
// the clip has no frames.
Result<std::string> glb_bytes(const SkeletalAnimation& animation, const GltfWriteOptions& options);
Status write_glb(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const GltfWriteOptions& options);

}  // namespace kinema
