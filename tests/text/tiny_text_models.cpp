#include "tests/text/tiny_text_models.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <vector>

#include "core/io/safetensors_writer.h"
#include "core/text/clip_text_encoder.h"
#include "core/text/qwen3_layer.h"

namespace kinema::test {
namespace fs = std::filesystem;

text::Qwen3Config tiny_qwen3_config(int64_t vocab_size) {
    text::Qwen3Config c;
    c.vocab_size = vocab_size;
    c.hidden_size = 32;
    c.intermediate_size = 48;
    c.num_hidden_layers = 2;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 2;
    c.head_dim = 16;
    c.max_position_embeddings = 1024;
    return c;
}

text::ClipTextConfig tiny_clip_config() {
    text::ClipTextConfig c;
    c.hidden_size = 32;
    c.intermediate_size = 64;
    c.num_hidden_layers = 2;
    c.num_attention_heads = 4;
    c.eos_token_id = 49407;
    return c;
}

namespace {

at::Tensor random_like_shape(const std::string& name, const std::vector<int64_t>& shape,
                             at::Generator& gen) {
    const bool is_norm = name.find("norm") != std::string::npos && shape.size() == 1 &&
                         name.find(".bias") == std::string::npos;
    at::Tensor t = at::normal(0.0, 0.1, shape, gen);
    if (is_norm) t = t + 1.0;
    return t;
}

}  // namespace

std::map<std::string, at::Tensor> random_qwen3_weights(const text::Qwen3Config& c, uint64_t seed,
                                                       at::ScalarType dtype) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::vector<std::pair<std::string, std::vector<int64_t>>> all{
        {"model.embed_tokens.weight", {c.vocab_size, c.hidden_size}},
        {"model.norm.weight", {c.hidden_size}}};
    for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
        for (auto& e : text::qwen3_layer_linears(c, i))
            all.push_back(e);
        for (auto& e : text::qwen3_layer_norms(c, i))
            all.push_back(e);
    }
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, shape] : all)
        out[name] = random_like_shape(name, shape, gen).to(dtype);
    // Present in real checkpoints, never read.
    out["lm_head.weight"] = at::zeros({4, c.hidden_size}).to(dtype);
    return out;
}

std::map<std::string, at::Tensor> random_clip_weights(const text::ClipTextConfig& c,
                                                      uint64_t seed) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, shape] : text::ClipTextEncoder::expected_tensors(c))
        out[name] = random_like_shape(name, shape, gen);
    out["text_projection.weight"] = at::zeros({c.hidden_size, c.hidden_size});  // never read
    return out;
}

bool write_text_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

bool write_model_folder(const fs::path& dir, const std::string& config_json,
                        const std::map<std::string, at::Tensor>& weights, int shards,
                        const fs::path& tokenizer_from) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !write_text_file(dir / "config.json", config_json)) return false;
    if (shards <= 1) {
        std::vector<std::pair<std::string, at::Tensor>> list(weights.begin(), weights.end());
        if (!write_safetensors(dir / "model.safetensors", list).ok()) return false;
    } else {
        std::vector<std::vector<std::pair<std::string, at::Tensor>>> parts(shards);
        nlohmann::json map = nlohmann::json::object();
        size_t i = 0;
        for (const auto& [name, t] : weights) {
            const int s = static_cast<int>(i++ % shards);
            parts[s].emplace_back(name, t);
            char file[64];
            std::snprintf(file, sizeof file, "model-%05d-of-%05d.safetensors", s + 1, shards);
            map[name] = file;
        }
        for (int s = 0; s < shards; ++s) {
            char file[64];
            std::snprintf(file, sizeof file, "model-%05d-of-%05d.safetensors", s + 1, shards);
            if (!write_safetensors(dir / file, parts[s]).ok()) return false;
        }
        const nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", map}};
        if (!write_text_file(dir / "model.safetensors.index.json", index.dump(1))) return false;
    }
    if (!tokenizer_from.empty()) {
        for (const char* f : {"vocab.json", "merges.txt", "tokenizer_config.json"}) {
            if (!fs::exists(tokenizer_from / f)) continue;
            fs::copy_file(tokenizer_from / f, dir / f, fs::copy_options::overwrite_existing, ec);
            if (ec) return false;
        }
    }
    return true;
}

}  // namespace kinema::test
