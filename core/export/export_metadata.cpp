#include "core/export/export_metadata.h"

#include <ctime>

#include "core/export/export_json_detail.h"
#include "core/version.h"

namespace kinema {

ExportMetadata make_export_metadata(const GenerationRequest& request, const MotionClip& clip,
                                    const std::string& model_display_name) {
    ExportMetadata m;
    m.prompt = request.prompt;
    m.seed = clip.seed;
    m.seeds = request.seeds;
    m.steps = request.steps;
    m.cfg_scale = request.cfg_scale;
    m.duration_s = request.duration_s;
    m.model_id = request.model_id;
    m.model_display_name = model_display_name;
    m.solver = solver_name(request.solver);
    m.precision = precision_name(request.precision);
    m.quality_mode = request.quality_mode;
    m.teacache = request.teacache.enabled;
    m.teacache_threshold = request.teacache.threshold;
    m.smooth = request.post.smooth;
    m.ground = request.post.ground;
    m.fps = clip.fps;
    m.frames = clip.frames();
    m.kinema_version = KINEMA_VERSION_STRING;
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
    m.created_utc = buf;
    return m;
}

nlohmann::ordered_json export_detail::metadata_to_json(const ExportMetadata& m) {
    nlohmann::ordered_json j;
    j["generator"] = "Kinema " + m.kinema_version;
    j["prompt"] = m.prompt;
    j["seed"] = m.seed;
    j["seeds"] = m.seeds;
    j["steps"] = m.steps;
    j["cfg_scale"] = m.cfg_scale;
    j["duration_s"] = m.duration_s;
    j["model_id"] = m.model_id;
    j["model_display_name"] = m.model_display_name;
    j["solver"] = m.solver;
    j["precision"] = m.precision;
    j["quality_mode"] = m.quality_mode;
    j["teacache"] = m.teacache;
    j["teacache_threshold"] = m.teacache_threshold;
    j["smooth"] = m.smooth;
    j["ground"] = m.ground;
    j["fps"] = m.fps;
    j["frames"] = m.frames;
    j["created_utc"] = m.created_utc;
    return j;
}

std::string metadata_json(const ExportMetadata& metadata, int indent) {
    // Invalid UTF-8 in the prompt is replaced rather than thrown.
    return export_detail::metadata_to_json(metadata).dump(
        indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace kinema
