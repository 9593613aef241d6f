#include "core/engine/model_registry.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "core/engine/debug_text_conditioner.h"
#include "core/io/model_config_reader.h"
#include "core/model/model_presets.h"
#include "core/model_paths.h"
#include "core/models/model_discovery.h"
#include "core/text/hymotion_text_conditioner.h"
#include "core/tiny/kinema_tiny_model.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace kinema {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDebugRandom = "debug-random";

uint64_t file_size_or_zero(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : static_cast<uint64_t>(n);
}

fs::path weights_file(const fs::path& folder) {
    if (fs::exists(folder / "latest.ckpt")) return folder / "latest.ckpt";
    return folder / "model.safetensors";
}

// A HY-Motion folder -> its ModelInfo; the id comes from the config's width (the two releases).
ModelInfo hymotion_info(const fs::path& folder) {
    ModelInfo info;
    info.kind = "hymotion";
    info.folder = folder;
    info.weight_bytes = file_size_or_zero(weights_file(folder));
    auto config = read_model_config(folder / "config.yml");
    if (!config) {
        info.id = "hymotion:" + folder.filename().string();
        info.display_name = folder.filename().string();
        info.unavailable_reason = config.error().describe();
        return info;
    }
    const int64_t width = config->config.network.feat_dim;
    if (width == 1280 && config->config.network.num_layers == 27) {
        info.id = "hy-motion-1.0";
        info.display_name = "HY-Motion-1.0";
    } else if (width == 1024 && config->config.network.num_layers == 18) {
        info.id = "hy-motion-1.0-lite";
        info.display_name = "HY-Motion-1.0-Lite";
    } else {
        info.id = "hymotion:" + folder.filename().string();
        info.display_name = folder.filename().string();
    }
    info.available = true;
    return info;
}

// The embedded model's folder: $KINEMA_TINY_DIR, the installed copy next to the executable
// (<prefix>/share/kinema/models/kinema-tiny), then the source tree of a developer build.
fs::path find_kinema_tiny() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("KINEMA_TINY_DIR"); env && *env) candidates.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        candidates.push_back(exe.parent_path().parent_path() / "share/kinema/models/kinema-tiny");
#ifdef KINEMA_SOURCE_DIR
    candidates.push_back(fs::path(KINEMA_SOURCE_DIR) / "resources/models/kinema-tiny");
#endif
    for (const auto& c : candidates)
        if (fs::is_regular_file(c / kKinemaTinyMarker, ec)) return c;
    return {};
}

ModelInfo debug_random_info() {
    ModelInfo info;
    info.id = kDebugRandom;
    info.display_name = "Debug (random weights)";
    info.kind = "debug-random";
    info.available = true;
    return info;
}

ModelInfo kinema_tiny_info() {
    ModelInfo info;
    info.id = "kinema-tiny";
    info.display_name = "kinema-tiny (embedded)";
    info.kind = "kinema-tiny";
    info.folder = find_kinema_tiny();
    if (info.folder.empty()) {
        info.unavailable_reason = "the embedded model folder was not found (set KINEMA_TINY_DIR)";
        return info;
    }
    info.weight_bytes = file_size_or_zero(info.folder / "model.safetensors");
    std::ifstream in(info.folder / kKinemaTinyMarker);
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && doc.contains("known_actions") && doc["known_actions"].is_array())
        for (const auto& a : doc["known_actions"])
            if (a.is_string()) info.known_actions.push_back(a.get<std::string>());
    info.available = true;
    return info;
}

}  // namespace

std::vector<double> read_teacache_coefficients(const fs::path& folder) {
    std::ifstream in(folder / "teacache.json");
    if (!in) return {};
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("coefficients") || !doc["coefficients"].is_array())
        return {};
    std::vector<double> c;
    for (const auto& v : doc["coefficients"])
        if (v.is_number()) c.push_back(v.get<double>());
    return c.size() == 5 ? c : std::vector<double>{};
}

ModelRegistry::ModelRegistry(std::vector<fs::path> extra_dirs, fs::path cache_dir)
    : extra_dirs_(std::move(extra_dirs)), cache_dir_(std::move(cache_dir)) {}

HyMotionConfig ModelRegistry::debug_random_config() {
    HyMotionConfig c;
    c.network.feat_dim = 128;
    c.network.num_heads = 2;
    c.network.num_layers = 6;
    c.network.ctxt_input_dim = 64;
    c.network.vtxt_input_dim = 32;
    return c;
}

std::vector<ModelInfo> ModelRegistry::list() const {
    std::vector<ModelInfo> out{kinema_tiny_info(), debug_random_info()};

    // Discovery (core/models/model_discovery.h): Kinema's folder, KINEMA_MODEL_PATH, the engine's
    // and the saved user folders, the Hugging Face cache, the official and ComfyUI layouts.
    DiscoveryOptions discovery;
    discovery.user_folders = extra_dirs_;
    const auto found_models = discover_models(discovery);
    fs::path qwen_dir, clip_dir;
    for (const auto& found : found_models) {
        if (found.kind == "qwen3" && qwen_dir.empty()) qwen_dir = found.folder;
        if (found.kind == "clip" && clip_dir.empty()) clip_dir = found.folder;
    }
    for (const auto& found : found_models) {
        if (found.kind != "hymotion-ckpt" && found.kind != "hymotion-safetensors") continue;
        auto info = hymotion_info(found.folder);
        info.qwen_dir = qwen_dir;
        info.clip_dir = clip_dir;
        const bool dup = std::any_of(out.begin(), out.end(),
                                     [&](const ModelInfo& m) { return m.id == info.id; });
        if (!dup) out.push_back(std::move(info));
    }
    return out;
}

Result<std::unique_ptr<LoadedModel>> ModelRegistry::load(
    const std::string& id, const BindOptions& bind,
    std::function<void(const std::string&, int64_t, int64_t)> on_text_progress) const {
    auto model = std::make_unique<LoadedModel>();
    if (id == "random:lite" || id == "random:full") {
        // The real shapes with deterministic random weights and hashed text (benchmarks).
        auto config = preset_config(id.substr(7));
        if (!config) return config.error();
        auto ckpt = random_hymotion_checkpoint(*config, /*seed=*/0, bind);
        if (!ckpt) return ckpt.error();
        model->checkpoint = std::move(*ckpt);
        model->text = std::make_unique<DebugTextConditioner>(config->network.ctxt_input_dim,
                                                             config->network.vtxt_input_dim, 128);
        model->info.id = id;
        model->info.display_name = "HY-Motion-1.0" +
                                   std::string(id == "random:lite" ? "-Lite" : "") +
                                   " shapes (random weights)";
        model->info.kind = "debug-random";
        model->info.available = true;
        return model;
    }
    if (id == "kinema-tiny") {
        auto info = kinema_tiny_info();
        if (!info.available) return make_error(ErrorKind::Io, info.unavailable_reason);
        auto tiny = load_kinema_tiny(info.folder, bind);
        if (!tiny) return tiny.error();
        model->text = make_tiny_text_conditioner(*tiny);
        model->checkpoint = std::move(tiny->checkpoint);
        model->teacache_coefficients = read_teacache_coefficients(info.folder);
        model->info = std::move(info);
        return model;
    }
    if (id == kDebugRandom) {
        const auto config = debug_random_config();
        auto ckpt = random_hymotion_checkpoint(config, /*seed=*/0, bind);
        if (!ckpt) return ckpt.error();
        // Centre the random latent on the rest pose so the skeleton stays human-shaped: identity
        // rot6d [1, 0, 0, 1, 0, 0] per joint, small spread.
        at::Tensor mean = at::zeros({config.network.input_dim});
        for (int64_t j = 0; j < 22; ++j) {
            mean[3 + 6 * j] = 1.0;
            mean[3 + 6 * j + 3] = 1.0;
        }
        ckpt->pipeline.mean = mean;
        ckpt->pipeline.std = at::full({config.network.input_dim}, 0.08);
        model->checkpoint = std::move(*ckpt);
        model->text = std::make_unique<DebugTextConditioner>(config.network.ctxt_input_dim,
                                                             config.network.vtxt_input_dim, 128);
        model->info = debug_random_info();
        return model;
    }
    for (auto& info : list()) {
        if (info.id != id) continue;
        if (!info.available) return make_error(ErrorKind::BadModelFile, info.unavailable_reason);
        CheckpointLoadOptions options;
        options.bind = bind;
        auto ckpt = load_hymotion_checkpoint(weights_file(info.folder), info.folder / "config.yml",
                                             options);
        if (!ckpt) return ckpt.error();
        model->checkpoint = std::move(*ckpt);
        model->teacache_coefficients = read_teacache_coefficients(info.folder);
        if (!info.qwen_dir.empty() && !info.clip_dir.empty()) {
            text::HyMotionTextOptions o;
            o.qwen_dir = info.qwen_dir;
            o.clip_dir = info.clip_dir;
            o.max_length_llm = model->checkpoint.config.pipeline.max_length_llm;
            if (on_text_progress)
                o.on_progress = [cb = on_text_progress](text::TextStage stage, int64_t done,
                                                        int64_t total) {
                    static constexpr const char* kNames[] = {"loading Qwen3", "encoding Qwen3",
                                                             "loading CLIP", "encoding CLIP"};
                    cb(kNames[static_cast<int>(stage)], done, total);
                };
            model->text = text::make_hymotion_text_conditioner(std::move(o), cache_dir_);
        }
        model->info = std::move(info);
        return model;
    }
    return make_error(ErrorKind::InvalidRequest, "unknown model '" + id + "'");
}

}  // namespace kinema
