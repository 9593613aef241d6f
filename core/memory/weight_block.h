// WeightBlock: the unit of residency planning and streaming. Every large module (the DiT, Qwen3-8B,
// the CLIP text tower) is described as an ORDERED list of blocks, in execution order, each with its
// exact byte size at a storage precision and its compute per forward. Plain values; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kinema {

// Storage precision of weights. Int8/Int4 are weight-only quantisation (encoders only): rank >= 2
// tensors store 1 B (int8) or 0.5 B (int4) per value plus bf16 scales (int8: one per output row;
// int4: one per group of 64 values of a row); vectors (biases, norms) stay bf16. Quantised blocks
// stream their quantised bytes.
enum class WeightPrecision { Fp32, Bf16, Fp16, Int8, Int4 };

const char* precision_label(WeightPrecision precision);  // "fp32", "bf16", "fp16", "int8", "int4"
Result<WeightPrecision> parse_weight_precision(std::string_view label);

// Bytes of one tensor of `shape` stored at `precision` (see above).
uint64_t tensor_storage_bytes(const std::vector<int64_t>& shape, WeightPrecision precision);

enum class ModelPart { Dit, Qwen3, Clip };
const char* model_part_label(ModelPart part);  // "dit", "qwen3", "clip"

enum class BlockRole {
    Head,          // DiT embedders + refiner + final layer, Qwen3 final norm: always resident
    DoubleBlock,   // DiT double-stream block
    SingleBlock,   // DiT single-stream block
    DecoderLayer,  // Qwen3 decoder layer
    Embedding,     // Qwen3 token embedding table: looked up on the host, never on the device
    Encoder,       // a whole small encoder kept as one block (CLIP-L text tower)
};
const char* block_role_label(BlockRole role);

struct WeightBlock {
    std::string name;  // "dit.double_blocks.3", "qwen3.layers.12", "clip.text_model"
    ModelPart part = ModelPart::Dit;
    BlockRole role = BlockRole::Head;
    int64_t parameters = 0;
    uint64_t size_bytes = 0;       // at the model's storage precision; what a copy moves
    double flops = 0.0;            // per forward, for the workload the model was built for
    bool always_resident = false;  // never streamed (the head)
    bool host_only = false;        // never on the device (embedding lookup on the host)
};

// Sums over a list of blocks.
int64_t total_parameters(const std::vector<WeightBlock>& blocks);
uint64_t total_bytes(const std::vector<WeightBlock>& blocks);
double total_flops(const std::vector<WeightBlock>& blocks);

}  // namespace kinema
