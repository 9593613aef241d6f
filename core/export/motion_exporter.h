// The one entry point for exporting a clip: export_clip(clip, metadata, format, path, options).
// Every format is written atomically (temp file + rename) and embeds the generation settings:
//   BVH  -> <path>.json sidecar (BVH has no comment syntax all readers accept; optional)
//   GLB  -> asset.extras.kinema and scene extras
//   FBX  -> FBXHeaderExtension SceneInfo MetaData Comment (settings JSON)
//   NPZ  -> zip archive comment (the .npy keys stay exactly the official ones)
//   JSON -> "settings"
// Motion conventions: Y-up, +Z forward, metres (BVH in the chosen unit, FBX in centimetres with
// UnitScaleFactor 1), the 52-joint SMPL-H skeleton (or its 22 body joints).
// Thread safety: pure function of its inputs; callable from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/export/export_format.h"
#include "core/export/export_metadata.h"
#include "core/result.h"

namespace kinema {

enum class LengthUnit { Metres, Centimetres };

struct ExportOptions {
    int joints = 52;                     // 22 (body only) or 52 (fingers at rest); BVH/GLB/FBX
    std::string rotation_order = "ZYX";  // BVH channel order (any permutation of XYZ)
    LengthUnit bvh_unit = LengthUnit::Centimetres;
    double fps = 0;                    // 0: the clip's rate; else slerp-resampled (BVH/GLB/FBX)
    bool mannequin = true;             // GLB/FBX: include Kinema's capsule mannequin mesh
    bool bvh_settings_sidecar = true;  // BVH: also write <path>.json with the settings
    // NPZ (official schema) and JSON always hold the clip itself: 22 rotations, clip fps.
};

// Writes `clip` to `path` in `format`. InvalidRequest for bad options, ShapeMismatch for a bad
// clip, Io when the file system refuses; on error no file is left at `path`.
Status export_clip(const MotionClip& clip, const ExportMetadata& metadata, ExportFormat format,
                   const std::filesystem::path& path, const ExportOptions& options = {});

// Every clip of a run in every format: files `<folder>/<base_name>_s<seed>.<ext>` (BVH sidecar
// `.bvh.json` too), settings from the run's request. Stops at the first error (files already
// written stay). Returns the paths written, in clip-then-format order. Io if `folder` is missing.
Result<std::vector<std::filesystem::path>> export_result(const MotionResult& result,
                                                         const std::vector<ExportFormat>& formats,
                                                         const std::filesystem::path& folder,
                                                         const std::string& base_name,
                                                         const ExportOptions& options = {});

}  // namespace kinema
