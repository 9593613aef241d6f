#include "core/models/model_catalog.h"

#include <algorithm>
#include <cstdlib>

namespace kinema {
namespace {

CatalogEntry hymotion(bool lite) {
    CatalogEntry e;
    e.id = lite ? "hy-motion-1.0-lite" : "hy-motion-1.0";
    e.display_name = lite ? "HY-Motion-1.0-Lite" : "HY-Motion-1.0";
    e.kind = "hymotion";
    e.role = lite ? "motion model, 0.46B parameters (about half the memory of the full model)"
                  : "motion model, 1.0B parameters (best quality)";
    e.repo = "tencent/HY-Motion-1.0";
    e.subfolder = e.display_name;
    e.local_name = e.display_name;
    e.licence = "Tencent HY-Motion 1.0 Community License";
    e.licence_url = "https://huggingface.co/tencent/HY-Motion-1.0/blob/main/LICENSE.txt";
    e.licence_note =
        "not licensed in the European Union, the United Kingdom and South Korea; use restrictions "
        "apply";
    // Hub figures: 4171.70 MB / 1843.54 MB; config.yml about 0.03 MB.
    e.files = {{"config.yml", 30'000, false, ""},
               {"latest.ckpt", lite ? 1'843'540'000ull : 4'171'700'000ull, false, ""}};
    return e;
}

CatalogEntry qwen3_8b() {
    CatalogEntry e;
    e.id = "qwen3-8b";
    e.display_name = "Qwen3-8B";
    e.kind = "qwen3";
    e.role = "text encoder for HY-Motion (token features); bf16 safetensors";
    e.repo = "Qwen/Qwen3-8B";
    e.local_name = "Qwen3-8B";
    e.licence = "Apache-2.0";
    e.licence_url = "https://huggingface.co/Qwen/Qwen3-8B/blob/main/LICENSE";
    e.approx_total_bytes = 16'400'000'000ull;
    e.files = {{"config.json", 0, false, ""},    {"model.safetensors.index.json", 0, false, ""},
               {"tokenizer.json", 0, false, ""}, {"tokenizer_config.json", 0, false, ""},
               {"vocab.json", 0, false, ""},     {"merges.txt", 0, false, ""}};
    for (int i = 1; i <= 5; ++i)
        e.files.push_back(
            {"model-0000" + std::to_string(i) + "-of-00005.safetensors", 0, false, ""});
    return e;
}

CatalogEntry clip_vit_l14() {
    CatalogEntry e;
    e.id = "clip-vit-l-14";
    e.display_name = "CLIP ViT-L/14";
    e.kind = "clip";
    e.role = "text encoder for HY-Motion (sentence feature; only the text tower is used)";
    e.repo = "openai/clip-vit-large-patch14";
    e.local_name = "clip-vit-large-patch14";
    e.licence = "MIT (OpenAI CLIP)";
    e.licence_url = "https://github.com/openai/CLIP/blob/main/LICENSE";
    e.approx_total_bytes = 1'712'000'000ull;
    e.files = {{"config.json", 0, false, ""},
               {"model.safetensors", 1'710'000'000ull, false, ""},
               {"vocab.json", 0, false, ""},
               {"merges.txt", 0, false, ""},
               {"tokenizer.json", 0, false, ""},
               {"tokenizer_config.json", 0, false, ""},
               {"special_tokens_map.json", 0, false, ""}};
    return e;
}

}  // namespace

uint64_t CatalogEntry::total_bytes() const {
    uint64_t sum = 0;
    for (const auto& f : files)
        sum += f.size_bytes;
    return std::max(sum, approx_total_bytes);
}

std::string CatalogEntry::remote_path(const CatalogFile& file) const {
    return subfolder.empty() ? file.path : subfolder + "/" + file.path;
}

std::vector<CatalogEntry> model_catalog() {
    return {hymotion(false), hymotion(true), qwen3_8b(), clip_vit_l14()};
}

std::optional<CatalogEntry> find_catalog_entry(const std::string& id) {
    for (auto& e : model_catalog())
        if (e.id == id) return e;
    return std::nullopt;
}

std::string hub_endpoint() {
    std::string endpoint = "https://huggingface.co";
    if (const char* env = std::getenv("HF_ENDPOINT"); env && *env) endpoint = env;
    while (!endpoint.empty() && endpoint.back() == '/')
        endpoint.pop_back();
    return endpoint;
}

std::string hub_file_url(const std::string& endpoint, const CatalogEntry& entry,
                         const CatalogFile& file) {
    std::string base = endpoint;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base + "/" + entry.repo + "/resolve/" + entry.revision + "/" + entry.remote_path(file);
}

}  // namespace kinema
