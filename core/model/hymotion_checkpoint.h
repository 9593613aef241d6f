// Loading a HY-Motion model (config + weights) into a ready DiT and its pipeline tensors.
// Accepts the official `latest.ckpt` (restricted unpickler), a safetensors copy, or a sharded
// index; the config is the official config.yml or a JSON with the same objects.
// Runs on the caller's thread; the returned objects are independent of the files.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/model/hymotion_mmdit.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema {

struct HyMotionCheckpoint {
    HyMotionConfig config;
    std::unique_ptr<HyMotionMmdit> dit;
    PipelineTensors pipeline;  // empty tensors when !has_pipeline
    bool has_pipeline = false;
    std::vector<std::string> config_warnings;
};

struct CheckpointLoadOptions {
    BindOptions bind;
    bool require_pipeline = true;  // false: the six pipeline tensors may be absent (DiT-only files)
    std::string dit_prefix = "motion_transformer.";
};

Result<HyMotionCheckpoint> load_hymotion_checkpoint(const std::filesystem::path& weights,
                                                    const std::filesystem::path& config,
                                                    const CheckpointLoadOptions& options);

// A model with the config's shapes and deterministic random weights (benchmarks, shape tests).
Result<HyMotionCheckpoint> random_hymotion_checkpoint(const HyMotionConfig& config, uint64_t seed,
                                                      const BindOptions& bind);

}  // namespace kinema
