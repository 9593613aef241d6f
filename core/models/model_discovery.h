// Model discovery: every folder on this machine that holds a model Kinema can use, wherever it came
// from, so nobody downloads 16 GB twice. Search roots, in priority order:
//   kinema-data  $XDG_DATA_HOME/kinema/models (else ~/.local/share/kinema/models): Kinema's
//   downloads env          every entry of $KINEMA_MODEL_PATH (':'-separated) user         folders
//   the user added (DiscoveryOptions + core/models/user_model_folders.h) hf-cache     the Hugging
//   Face hub cache ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub):
//                models--<org>--<name>/snapshots/<rev>/..., the revision refs/main names
//   comfyui      $COMFYUI_PATH and ~/ComfyUI
// Inside a non-HF root these layouts are recognised (a folder holding the model, at depth <= 4
// below each): the root itself, the official repo's `ckpts/` (ckpts/tencent/HY-Motion-1.0/...,
// ckpts/Qwen3-8B, ckpts/clip-vit-large-patch14), and ComfyUI's `models/HY-Motion/ckpts/` (the same
// tree, as the ComfyUI-HY-Motion nodes expect it) and `models/hymotion/`.
// Thread: any; reads the file system (directory listings and small config files only).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/model_paths.h"

namespace kinema {

struct ModelLocation {
    std::filesystem::path folder;
    std::string kind;  // "hymotion-ckpt", "hymotion-safetensors", "qwen3", "clip", "kinema-tiny"
    std::string catalog_id;  // core/models/model_catalog.h id; "" for models not in the catalog
    std::string origin;      // the root's origin: "kinema-data", "env:KINEMA_MODEL_PATH", "user",
                             // "hf-cache", "comfyui"
    std::string layout;      // "folder", "official-ckpts", "comfyui", "hf-cache"
    std::string hf_repo, hf_revision;  // hf-cache only: "tencent/HY-Motion-1.0", the snapshot id
};

struct DiscoveryOptions {
    std::vector<std::filesystem::path> user_folders;  // e.g. EngineOptions::extra_model_dirs
    bool include_saved_user_folders = true;           // also read user_model_folders_file()
};

// Kinema's own model folder (where downloads go): the first kinema-data root.
std::filesystem::path kinema_model_dir();

// The roots above, in priority order (folders that do not exist are kept: they may appear later).
std::vector<ModelSearchRoot> discovery_roots(const DiscoveryOptions& options);

// Every model folder under the roots, once each (the first root that reaches it wins), in root
// order.
std::vector<ModelLocation> discover_models(const DiscoveryOptions& options);

// The catalog id a found folder is an instance of ("" when none): by folder name, Hugging Face
// repo, or (HY-Motion) the network width in config.yml.
std::string match_catalog_id(const std::filesystem::path& folder, const std::string& kind,
                             const std::string& hf_repo);

}  // namespace kinema
