#include "core/memory/weight_block.h"

namespace kinema {

const char* precision_label(WeightPrecision p) {
    switch (p) {
        case WeightPrecision::Fp32:
            return "fp32";
        case WeightPrecision::Bf16:
            return "bf16";
        case WeightPrecision::Fp16:
            return "fp16";
        case WeightPrecision::Int8:
            return "int8";
        case WeightPrecision::Int4:
            return "int4";
    }
    return "?";
}

Result<WeightPrecision> parse_weight_precision(std::string_view label) {
    if (label == "fp32") return WeightPrecision::Fp32;
    if (label == "bf16") return WeightPrecision::Bf16;
    if (label == "fp16") return WeightPrecision::Fp16;
    if (label == "int8") return WeightPrecision::Int8;
    if (label == "int4") return WeightPrecision::Int4;
    return make_error(ErrorKind::InvalidRequest, "unknown precision '" + std::string(label) +
                                                     "' (fp32, bf16, fp16, int8, int4)");
}

uint64_t tensor_storage_bytes(const std::vector<int64_t>& shape, WeightPrecision p) {
    uint64_t values = 1;
    for (int64_t d : shape)
        values *= static_cast<uint64_t>(d);
    switch (p) {
        case WeightPrecision::Fp32:
            return 4 * values;
        case WeightPrecision::Bf16:
        case WeightPrecision::Fp16:
            return 2 * values;
        case WeightPrecision::Int8:
        case WeightPrecision::Int4:
            break;
    }
    if (shape.size() < 2) return 2 * values;  // vectors stay bf16
    const uint64_t rows = static_cast<uint64_t>(shape.front());
    const uint64_t cols = values / rows;
    if (p == WeightPrecision::Int8) return values + 2 * rows;
    constexpr uint64_t kGroup = 64;
    const uint64_t groups_per_row = (cols + kGroup - 1) / kGroup;
    return rows * ((cols + 1) / 2) + 2 * rows * groups_per_row;
}

const char* model_part_label(ModelPart part) {
    switch (part) {
        case ModelPart::Dit:
            return "dit";
        case ModelPart::Qwen3:
            return "qwen3";
        case ModelPart::Clip:
            return "clip";
    }
    return "?";
}

const char* block_role_label(BlockRole role) {
    switch (role) {
        case BlockRole::Head:
            return "head";
        case BlockRole::DoubleBlock:
            return "double_block";
        case BlockRole::SingleBlock:
            return "single_block";
        case BlockRole::DecoderLayer:
            return "decoder_layer";
        case BlockRole::Embedding:
            return "embedding";
        case BlockRole::Encoder:
            return "encoder";
    }
    return "?";
}

int64_t total_parameters(const std::vector<WeightBlock>& blocks) {
    int64_t n = 0;
    for (const auto& b : blocks)
        n += b.parameters;
    return n;
}

uint64_t total_bytes(const std::vector<WeightBlock>& blocks) {
    uint64_t n = 0;
    for (const auto& b : blocks)
        n += b.size_bytes;
    return n;
}

double total_flops(const std::vector<WeightBlock>& blocks) {
    double n = 0;
    for (const auto& b : blocks)
        n += b.flops;
    return n;
}

}  // namespace kinema
