// Device-memory estimates of the activations of one forward (peak live tensors plus a fixed
// framework workspace), per network. Deliberately generous (x1.25 on the tensor terms): they are
// used to warn BEFORE a run would fail, so an overestimate costs only a little residency.
// Bytes; any thread.
#pragma once

#include <cstdint>

#include "core/memory/block_model.h"
#include "core/memory/weight_block.h"
#include "core/model/mmdit_config.h"

namespace kinema {

// cuBLAS/cuDNN workspaces, kernels' scratch and allocator rounding, per stage.
constexpr uint64_t kFrameworkWorkspaceBytes = 256ull << 20;

// DiT forward at `precision` (masks, softmax and RoPE tables in fp32), trimmed shapes.
uint64_t dit_activation_bytes(const MmditConfig& config, const DitWorkload& workload,
                              WeightPrecision precision);

// One Qwen3 encode of `tokens` tokens (batch 1, bf16 activations whatever the weight precision;
// int8/int4 layers also hold one dequantised copy of their largest matrix).
uint64_t qwen3_activation_bytes(const Qwen3Shape& shape, int64_t tokens, WeightPrecision precision);

// One CLIP-L text encode (77 tokens, batch 1).
uint64_t clip_activation_bytes(WeightPrecision precision);

}  // namespace kinema
