#include "core/engine/recommended_guidance.h"

#include "core/tiny/kinema_tiny_model.h"

namespace kinema {

double recommended_cfg_scale(const ModelInfo& model) {
    if (model.kind != "kinema-tiny" || model.folder.empty()) return kOfficialCfgScale;
    auto cfg = read_recommended_cfg_scale(model.folder);
    return cfg ? *cfg : kOfficialCfgScale;
}

}  // namespace kinema
