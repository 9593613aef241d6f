// FBX binary 7.4 writer (no Autodesk SDK): the skeleton as LimbNode models with a bind pose, one
// animation stack/layer with Lcl Translation (root) and Lcl Rotation curves (every joint, Euler
// XYZ in degrees) at the clip's frame rate, optionally Kinema's capsule mannequin as a mesh with a
// skin deformer. Units: centimetres (UnitScaleFactor 1), Y-up, +Z front. Settings JSON goes to the
// SceneInfo's Comment. Thread safety: pure functions.
#pragma once

#include <filesystem>
#include <string>

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct FbxWriteOptions {
    bool mannequin = true;
    std::string settings_json;
};

Result<std::string> fbx_bytes(const SkeletalAnimation& animation, const FbxWriteOptions& options);
Status write_fbx(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const FbxWriteOptions& options);

}  // namespace kinema
