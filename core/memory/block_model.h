// Block models of the three large networks of the HY-Motion pipeline (spec §2, §3): the DiT from
// its MmditConfig (exact tensor shapes through the model's own ParameterRegistry), Qwen3-8B from
// its HF config numbers and the CLIP-L text tower as one block. Blocks are in execution order.
// FLOPs are multiply-adds x 2 for the given workload. Any thread; no allocation of weights.
#pragma once

#include <cstdint>
#include <vector>

#include "core/memory/weight_block.h"
#include "core/model/mmdit_config.h"
#include "core/result.h"
#include "core/text/text_encoder_config.h"

namespace kinema {

// Shapes of one DiT forward: batch = 2 x seeds (CFG batched), trimmed motion frames, text tokens.
struct DitWorkload {
    int64_t batch = 2;
    int64_t motion_frames = 360;
    int64_t text_tokens = 128;
};

// Head (embedders, refiner, final layer; always resident) then every double and single block.
// Unsupported: an int8/int4 precision (the DiT stays float) or a config HyMotionMmdit rejects.
Result<std::vector<WeightBlock>> dit_blocks(const MmditConfig& config, WeightPrecision precision,
                                            const DitWorkload& workload);

// Qwen3's sizes are its config.json (core/text's Qwen3Config; defaults are Qwen3-8B). The unused
// lm_head is never loaded.
using Qwen3Shape = text::Qwen3Config;

// Embedding (host only), every decoder layer, then the final norm (head). `tokens` = template +
// prompt tokens of one encode (batch 1: one prompt serves every seed).
std::vector<WeightBlock> qwen3_blocks(const Qwen3Shape& shape, WeightPrecision precision,
                                      int64_t tokens);

// CLIP ViT-L/14 text tower (123,060,480 parameters) as one block; `tokens` <= 77.
std::vector<WeightBlock> clip_text_blocks(WeightPrecision precision, int64_t tokens = 77);

}  // namespace kinema
