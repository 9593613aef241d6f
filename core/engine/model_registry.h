// ModelRegistry: which models the engine can run and how to load them. Built-in: "debug-random"
// (random weights, always available), "random:lite" / "random:full" (the real shapes with random
// weights, for benchmarks; not listed) and "kinema-tiny" (the embedded model, when its folder is
// installed); discovered: HY-Motion-1.0 / Lite folders (config.yml + latest.ckpt or
// model.safetensors) wherever core/models/model_discovery.h finds them (Kinema's model folder,
// KINEMA_MODEL_PATH, extra_dirs and the saved user folders, the Hugging Face cache, the official
// `ckpts/` and ComfyUI layouts); the first Qwen3 and CLIP folders found serve as text encoders.
// Thread: engine worker only. Loading reads files on the calling thread.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/text/text_conditioner.h"

namespace kinema {

// A model ready to sample: the DiT + pipeline tensors, and its text conditioner (null for
// HY-Motion until the Qwen3 + CLIP encoders are configured: requests must then carry features).
struct LoadedModel {
    ModelInfo info;
    HyMotionCheckpoint checkpoint;
    std::unique_ptr<TextConditioner> text;
    // TeaCache rescale polynomial from <folder>/teacache.json (`kinema-cli calibrate-teacache`);
    // empty: identity.
    std::vector<double> teacache_coefficients;
};

// <folder>/teacache.json {"coefficients": [c4, c3, c2, c1, c0]} -> the five values; empty when
// absent or malformed.
std::vector<double> read_teacache_coefficients(const std::filesystem::path& folder);

class ModelRegistry {
public:
    // cache_dir: the text-embedding cache (empty: none).
    ModelRegistry(std::vector<std::filesystem::path> extra_dirs, std::filesystem::path cache_dir);

    // Re-scans the search roots every call (cheap: directory listings only).
    std::vector<ModelInfo> list() const;

    // NotFound-style InvalidRequest for unknown ids; the model's own typed error otherwise.
    // on_text_progress: forwarded from the HY-Motion text encoders (stage name, done, total).
    Result<std::unique_ptr<LoadedModel>> load(
        const std::string& id, const BindOptions& bind,
        std::function<void(const std::string&, int64_t, int64_t)> on_text_progress = {}) const;

    static HyMotionConfig debug_random_config();

private:
    std::vector<std::filesystem::path> extra_dirs_;
    std::filesystem::path cache_dir_;
};

}  // namespace kinema
