// ClipTextEncoder: the CLIP text tower (transformers' CLIPTextModel, no text_projection) from a
// Hugging Face folder (config.json of a CLIPConfig or CLIPTextConfig + model.safetensors; only
// `text_model.*` is read, so openai/clip-vit-large-patch14's full file works):
//   x = token_embedding(ids) + position_embedding(0..L-1)
//   per layer: x += self_attn(layer_norm1(x)) (causal; padded keys masked); x +=
//   fc2(quick_gelu(fc1(
//              layer_norm2(x)))), quick_gelu(z) = z * sigmoid(1.702 z)
//   last = final_layer_norm(x); pooled = last[b, eos_b] with eos_b = argmax(ids_b) when the
//   config's eos_token_id is 2 (openai's legacy config), else the first id == eos_token_id.
// Weights float32 (the text tower is ~123M parameters). Thread: forward() const, any thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/text/text_encoder_config.h"

namespace kinema::text {

struct ClipTextOutput {
    at::Tensor last_hidden_state;  // (B, L, hidden) float32
    at::Tensor pooler_output;      // (B, hidden) float32
};

class ClipTextEncoder {
public:
    // Io: missing config/weights. BadModelFile: malformed config or weights (every missing or
    // mis-shaped tensor listed). OutOfMemory.
    static Result<ClipTextEncoder> load(const std::filesystem::path& dir);

    // ids (B, L) integer, L <= max_position_embeddings; attention_mask (B, L) or undefined
    // (all tokens). InvalidRequest on bad shapes or ids. Cancelled between layers.
    Result<ClipTextOutput> forward(const at::Tensor& ids, const at::Tensor& attention_mask = {},
                                   const std::atomic<bool>* cancel = nullptr) const;

    const ClipTextConfig& config() const { return config_; }
    uint64_t size_bytes() const;

    // Every tensor the text tower reads, with its shape.
    static std::vector<std::pair<std::string, std::vector<int64_t>>> expected_tensors(
        const ClipTextConfig& config);

private:
    struct Layer {
        at::Tensor ln1_w, ln1_b, q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b, ln2_w, ln2_b, fc1_w, fc1_b,
            fc2_w, fc2_b;
    };
    ClipTextConfig config_;
    at::Tensor token_embedding_, position_embedding_, final_ln_w_, final_ln_b_;
    std::vector<Layer> layers_;
};

// Fingerprint of a CLIP folder for cache keys (config.json text and weight file names/sizes).
std::string clip_folder_fingerprint(const std::filesystem::path& dir);

}  // namespace kinema::text
