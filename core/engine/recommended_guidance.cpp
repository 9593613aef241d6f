#include "core/engine/recommended_guidance.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/tiny/kinema_tiny_model.h"

namespace kinema {

double recommended_cfg_scale(const ModelInfo& model) {
    if (model.kind != "kinema-tiny" || model.folder.empty()) return kDefaultCfgScale;
    std::ifstream in(model.folder / kKinemaTinyMarker);
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("recommended_cfg_scale") ||
        !doc["recommended_cfg_scale"].is_number())
        return kDefaultCfgScale;
    const double cfg = doc["recommended_cfg_scale"].get<double>();
    return cfg >= 1.0 && cfg <= 15.0 ? cfg : kDefaultCfgScale;
}

}  // namespace kinema
