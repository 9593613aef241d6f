// JSON export of a clip: settings, skeleton (names, parents, rest joints), fps, and per frame the
// 22 rot6d and quaternions (w, x, y, z; w >= 0), the root translation (transl) and the 52 world
// joints, metres, Y-up. Numbers keep float32 precision (shortest round-trip form).
// Schema "kinema-motion" version 1:
//   {"format", "version", "settings": {...}, "fps", "frames", "joint_names": [52],
//    "parents": [52], "rest_joints_m": [52][3], "rot6d": [L][22][6],
//    "quaternions_wxyz": [L][22][4], "transl_m": [L][3], "joints_world_m": [L][52][3]}
#pragma once

#include <filesystem>
#include <string>

#include "core/export/export_metadata.h"
#include "core/motion/motion_clip.h"
#include "core/result.h"

namespace kinema {

Result<std::string> motion_json_text(const MotionClip& clip, const ExportMetadata& metadata);
Status write_motion_json(const std::filesystem::path& path, const MotionClip& clip,
                         const ExportMetadata& metadata);

}  // namespace kinema
