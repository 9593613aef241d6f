// The shipped HY-Motion network sizes (spec §2.1), for `--config full|lite` and the planner when
// only a model id is known.
#pragma once

#include <string>
#include <vector>

#include "core/model/mmdit_config.h"
#include "core/result.h"

namespace kinema {

// "full" / "hy-motion-1.0" and "lite" / "hy-motion-1.0-lite".
Result<HyMotionConfig> preset_config(const std::string& name);
std::vector<std::string> preset_names();

// A preset name, a model folder holding config.yml / config.yaml / config.json, or a config file.
// InvalidRequest naming the argument when it is none of these; the reader's error for a bad file.
Result<HyMotionConfig> resolve_model_config(const std::string& name_or_path);

// Number of parameters in the six pipeline tensors (null/special features, mean, std).
int64_t pipeline_parameter_count(const MmditConfig& config);

// Multiply-add FLOPs (2 per MAC) of one DiT forward for `batch` rows of `motion_len` frames and
// `text_len` tokens; per-run work done by prepare() (text projection, masks) is excluded.
double mmdit_forward_flops(const MmditConfig& config, int64_t batch, int64_t motion_len,
                           int64_t text_len);

}  // namespace kinema
