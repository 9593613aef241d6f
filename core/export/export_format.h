// The file formats Kinema exports a MotionClip to, and their command-line / settings names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kinema {

enum class ExportFormat { Bvh, Fbx, Glb, Npz, Json };

// "bvh", "fbx", "glb", "npz", "json" (also the file extensions, without the dot).
const char* export_format_name(ExportFormat format);
// Case-insensitive; "gltf" is accepted for Glb. InvalidRequest for anything else.
Result<ExportFormat> parse_export_format(std::string_view name);
// A comma-separated list ("bvh,fbx,glb"), duplicates removed, order kept. InvalidRequest on an
// unknown or empty name.
Result<std::vector<ExportFormat>> parse_export_formats(std::string_view list);
std::vector<ExportFormat> all_export_formats();

}  // namespace kinema
