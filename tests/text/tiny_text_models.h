// Tiny random Qwen3 / CLIP text model folders written by the tests themselves (config.json +
// safetensors under Hugging Face names, optionally the fixture tokenizers), so the encoders run
// through the same code as Qwen3-8B and CLIP-L without any download.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/text/text_encoder_config.h"

namespace kinema::test {

// hidden 32, 2 layers, 4 heads / 2 KV heads, head_dim 16, intermediate 48, vocab 512.
text::Qwen3Config tiny_qwen3_config(int64_t vocab_size = 512);
// hidden 32, 2 layers, 4 heads, intermediate 64, vocab 49408, 77 positions, eos 49407.
text::ClipTextConfig tiny_clip_config();

// Random weights ~ N(0, 0.1^2) (norm weights near 1), deterministic in `seed`, in `dtype`.
std::map<std::string, at::Tensor> random_qwen3_weights(const text::Qwen3Config& config,
                                                       uint64_t seed, at::ScalarType dtype);
std::map<std::string, at::Tensor> random_clip_weights(const text::ClipTextConfig& config,
                                                      uint64_t seed);

// Writes config.json and the weights: model.safetensors, or with `shards` > 1 a
// model.safetensors.index.json and model-0000i-of-0000n.safetensors files. Returns false on
// failure. `tokenizer_from` (optional) is a fixture tokenizer folder whose vocab.json,
// merges.txt and tokenizer_config.json are copied too.
bool write_model_folder(const std::filesystem::path& dir, const std::string& config_json,
                        const std::map<std::string, at::Tensor>& weights, int shards = 1,
                        const std::filesystem::path& tokenizer_from = {});

bool write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace kinema::test
