// Where Kinema looks for model folders. The full model registry (known models, downloads) builds
// on this; here: the search roots and a scan for folders that hold a loadable model.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kinema {

struct ModelSearchRoot {
    std::filesystem::path path;
    std::string origin;  // "kinema-data", "env:KINEMA_MODEL_PATH", "hf-cache", "embedded"
};

struct FoundModel {
    std::filesystem::path folder;
    std::string kind;  // "hymotion-ckpt", "hymotion-safetensors", "qwen3", "clip", "kinema-tiny"
};

// $XDG_DATA_HOME/kinema/models (else ~/.local/share/kinema/models), every entry of
// KINEMA_MODEL_PATH (':'-separated), and the Hugging Face hub cache (HF_HUB_CACHE, HF_HOME/hub,
// ~/.cache/huggingface/hub).
std::vector<ModelSearchRoot> model_search_roots();

// Folders under `roots` (depth <= 4) that contain a recognisable model.
std::vector<FoundModel> scan_models(const std::vector<ModelSearchRoot>& roots);

}  // namespace kinema
