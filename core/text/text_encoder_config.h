// Configurations of HY-Motion's two text encoders, read from Hugging Face config.json files:
// Qwen3Config (Qwen3ForCausalLM; transformers 4.x `rope_theta` or 5.x `rope_parameters`) and
// ClipTextConfig (a CLIPTextConfig file, or a CLIPConfig whose `text_config` holds it).
// Sizes come from the file, so a tiny random config runs through the same code as Qwen3-8B.
// Thread: any.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kinema::text {

struct Qwen3Config {
    int64_t vocab_size = 151936;
    int64_t hidden_size = 4096;
    int64_t intermediate_size = 12288;
    int64_t num_hidden_layers = 36;
    int64_t num_attention_heads = 32;
    int64_t num_key_value_heads = 8;
    int64_t head_dim = 128;
    double rms_norm_eps = 1e-6;
    double rope_theta = 1e6;
    int64_t max_position_embeddings = 40960;

    // A config.json transformers reads as this model (model_type qwen3).
    std::string to_json() const;
};

struct ClipTextConfig {
    int64_t vocab_size = 49408;
    int64_t hidden_size = 768;
    int64_t intermediate_size = 3072;
    int64_t num_hidden_layers = 12;
    int64_t num_attention_heads = 12;
    int64_t max_position_embeddings = 77;
    double layer_norm_eps = 1e-5;
    // HF pools at argmax(ids) when this is 2 (openai's legacy config), else at the first id equal
    // to it; both pick the first <|endoftext|> for CLIP tokenizer output.
    int64_t eos_token_id = 2;

    int64_t head_dim() const { return hidden_size / num_attention_heads; }
    // A CLIPTextConfig config.json (model_type clip_text_model).
    std::string to_json() const;
};

// BadModelFile listing every problem (unparsable JSON, missing or mistyped keys, values out of
// range, unsupported features such as rope_scaling, attention bias or another activation);
// Io when the file cannot be read. `source` names the file in messages.
Result<Qwen3Config> parse_qwen3_config(std::string_view json_text, const std::string& source);
Result<Qwen3Config> read_qwen3_config(const std::filesystem::path& config_json);
Result<ClipTextConfig> parse_clip_text_config(std::string_view json_text,
                                              const std::string& source);
Result<ClipTextConfig> read_clip_text_config(const std::filesystem::path& config_json);

// The whole file as text (Io on failure; files over 16 MiB are BadModelFile).
Result<std::string> read_small_text_file(const std::filesystem::path& path);

}  // namespace kinema::text
