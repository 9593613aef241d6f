// kinema-tiny's text encoder: word embeddings + learned positions, `layers` pre-LayerNorm
// transformer blocks (masked self-attention, GELU MLP), a final LayerNorm giving the token
// features ctxt (B, L, width) and a projected masked mean giving the pooled vtxt (B, 1, width) -
// the same roles as HY-Motion's Qwen3 hidden states and CLIP pooled vector. Weights live under
// "text_encoder." in model.safetensors. The same code runs inference (engine) and training
// (kinema-train-tiny sets requires_grad on the registry's tensors).
// Thread: forward() is const and may run on any one thread at a time.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/nn_layers.h"
#include "core/model/parameter_registry.h"
#include "core/result.h"

namespace kinema {

struct TinyTextEncoderConfig {
    int64_t vocab_size = 0;
    int64_t width = 128;
    int64_t heads = 4;
    int64_t layers = 2;
    int64_t max_tokens = 32;
    double mlp_ratio = 2.0;
};

class TinyTextEncoder {
public:
    static constexpr const char* kPrefix = "text_encoder.";

    static Result<std::unique_ptr<TinyTextEncoder>> create(const TinyTextEncoderConfig& config);

    Status load_weights(const std::map<std::string, at::Tensor>& tensors,
                        const BindOptions& options);
    void init_random_weights(uint64_t seed, const BindOptions& options);

    struct Output {
        at::Tensor ctxt;  // (B, L, width)
        at::Tensor vtxt;  // (B, 1, width)
    };
    // ids (B, L) int64 (padding = 0), valid (B, L) bool with at least one true per row.
    // Throws c10::Error on wrong shapes (callers in core use encode()).
    Output forward(const at::Tensor& ids, const at::Tensor& valid) const;

    const TinyTextEncoderConfig& config() const { return config_; }
    const ParameterRegistry& registry() const { return registry_; }

private:
    explicit TinyTextEncoder(const TinyTextEncoderConfig& config);
    struct Block {
        AffineLayerNorm ln1, ln2;
        Linear qkv, proj;
        Mlp mlp;
    };
    TinyTextEncoderConfig config_;
    ParameterRegistry registry_;
    at::Tensor token_embedding_, position_embedding_;
    std::vector<Block> blocks_;
    AffineLayerNorm final_norm_;
    Linear pool_proj_;
};

}  // namespace kinema
