// The guidance scale a model is meant to run at: the default of every front end (kinema-cli
// generate / bench quality / calibrate-teacache, the app's guidance slider) when the user sets
// none. HY-Motion folders: the official 5 (test_cfg.text_guidance_scale). A kinema-tiny folder:
// "recommended_cfg_scale" of its kinema-model.json (read_recommended_cfg_scale; chosen on a
// validation set when it was trained, docs/kinema-tiny.md), 5 when absent or malformed.
// Thread: any; reads the model folder's marker file on each call (a few hundred bytes).
#pragma once

#include "core/engine.h"
#include "core/model/mmdit_config.h"

namespace kinema {

double recommended_cfg_scale(const ModelInfo& model);

}  // namespace kinema
