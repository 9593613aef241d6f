// Error of weight-only quantisation as a model user sees it, on Qwen3 decoder layers with random
// weights (N(0, weight_std^2) linears, RMSNorm weights 1) and a token sequence whose embeddings
// are N(0, weight_std^2) (what layer 0 of a Qwen3 model receives). Layers run in float32 as
// Qwen3Encoder runs them; the reference is the same stack with bf16 weights.
//
// For every variant (int8, int4 with each Int4Method) and every layer i, with h_i the bf16
// stack's hidden state entering layer i:
//   linear[name]  = ||x W_q^T - x W_bf16^T|| / ||x W_bf16^T||, x = that linear's real input in
//                   the bf16 forward of layer i (so down_proj sees the SwiGLU activations);
//   layer.output  = ||L_q(h_i) - L(h_i)|| / ||L(h_i)|| (the layer output, residual included,
//                   what transformers returns as the layer's hidden state);
//   layer.update  = the same on L(h_i) - h_i (the layer's contribution, residual excluded);
//   layer.attention = the same on the attention block's contribution (o_proj output) alone;
//   stack         = the quantised stack run end to end from the embeddings (errors compound),
//                   after each layer and after the final RMSNorm (hidden_states[-1]).
// Norms are Frobenius over all elements, float64 accumulation. Thread: any; cancellable.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "core/text/int4_quantizer.h"
#include "core/text/quantized_weight.h"
#include "core/text/text_encoder_config.h"

namespace kinema::text {

struct QuantVariant {
    WeightPrecision precision = WeightPrecision::Int8;
    Int4Method int4_method = kDefaultInt4Method;
    std::string name() const;  // "int8", "int4-minmax", ...
};

struct QuantBenchOptions {
    Qwen3Config config;  // sizes; num_hidden_layers = how many layers run
    int64_t tokens = 64;
    uint64_t seed = 1;
    double weight_std = 0.02;
    // Default: int8, int4-minmax, int4-absmax, int4-mse-clip.
    std::vector<QuantVariant> variants;
    std::function<void(int64_t done, int64_t total)> on_layer;  // calling thread
    const std::atomic<bool>* cancel = nullptr;
};

struct QuantLayerError {
    std::map<std::string, double> linear;  // q_proj .. down_proj
    double output = 0, update = 0, attention = 0;
    double stack = 0;  // end-to-end after this layer (before the final norm)
};

struct QuantVariantReport {
    std::string name;
    double bytes_per_weight = 0;  // stored bytes of the linears / their weight count
    double quantize_seconds = 0;  // all layers, this machine
    std::vector<QuantLayerError> layers;
    double final_norm_output = 0;  // stack error after the final RMSNorm
    // Over all layers: the largest per-linear error and the largest layer output error.
    double max_linear = 0, max_layer_output = 0, max_layer_update = 0;
};

struct QuantBenchReport {
    Qwen3Config config;
    int64_t tokens = 0;
    uint64_t seed = 0;
    double weight_std = 0;
    std::vector<QuantVariantReport> variants;
};

// Errors: InvalidRequest (no layers, tokens < 1, heads not dividing), Cancelled, OutOfMemory.
Result<QuantBenchReport> measure_qwen3_quant_error(const QuantBenchOptions& options);

nlohmann::json to_json(const QuantBenchReport& report);

}  // namespace kinema::text
