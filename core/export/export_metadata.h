// ExportMetadata: the generation settings every export embeds (BVH sidecar, FBX scene info, glTF
// extras, NPZ archive comment, JSON "settings"), so a file says how it was made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.h"

namespace kinema {

struct ExportMetadata {
    std::string prompt;
    int64_t seed = 0;            // this clip's seed
    std::vector<int64_t> seeds;  // every seed of the request
    int64_t steps = 0;
    double cfg_scale = 0;
    double duration_s = 0;  // requested duration
    std::string model_id;
    std::string model_display_name;
    std::string solver;     // "euler", ...
    std::string precision;  // "auto", ...
    bool quality_mode = false;
    bool teacache = false;
    double teacache_threshold = 0;
    bool smooth = true;
    bool ground = true;
    double fps = 30.0;           // the clip's frame rate
    int64_t frames = 0;          // the clip's frame count
    std::string kinema_version;  // filled by make_export_metadata
    std::string created_utc;     // ISO 8601, filled by make_export_metadata
};

// From the request that made `clip` (model_display_name may be empty).
ExportMetadata make_export_metadata(const GenerationRequest& request, const MotionClip& clip,
                                    const std::string& model_display_name = {});

// Compact JSON object ({"prompt": ..., "seed": ..., ...}); indent >= 0 pretty-prints.
std::string metadata_json(const ExportMetadata& metadata, int indent = -1);

}  // namespace kinema
