#include "core/memory/activation_estimate.h"

#include <algorithm>

namespace kinema {
namespace {

uint64_t element_bytes(WeightPrecision p) {
    return p == WeightPrecision::Fp32 ? 4 : 2;
}

uint64_t with_margin(double tensor_bytes) {
    return static_cast<uint64_t>(tensor_bytes * 1.25) + kFrameworkWorkspaceBytes;
}

}  // namespace

uint64_t dit_activation_bytes(const MmditConfig& c, const DitWorkload& w, WeightPrecision p) {
    const double e = static_cast<double>(element_bytes(p));
    const double b = static_cast<double>(w.batch);
    const double l = static_cast<double>(w.motion_frames + w.text_tokens);
    const double d = static_cast<double>(c.feat_dim), h = static_cast<double>(c.mlp_hidden());
    const double heads = static_cast<double>(c.num_heads);
    // Live for the whole forward: joint mask (B,1,L,L) fp32, RoPE tables, the residual streams and
    // the refiner's prepared text (a few (B,L,D) tensors).
    const double persistent =
        b * l * l * 4 + 2 * l * static_cast<double>(c.head_dim()) * 4 + 4 * b * l * d * e;
    // Inside the widest block: qkv / linear1 output (B,L,3D+H), the MLP hidden (B,L,H) twice
    // (activation in and out), attention scores and probabilities (B,heads,L,L) in fp32.
    const double block = b * l * (3 * d + h) * e + 2 * b * l * h * e + 2 * b * heads * l * l * 4;
    return with_margin(persistent + block);
}

uint64_t qwen3_activation_bytes(const Qwen3Shape& s, int64_t tokens, WeightPrecision p) {
    const double t = static_cast<double>(tokens), e = 2;  // bf16 activations
    const double hidden = static_cast<double>(s.hidden_size),
                 inter = static_cast<double>(s.intermediate_size);
    const double persistent = 3 * t * hidden * e;  // residual, normed input, output slice
    const double attn =
        2 * static_cast<double>(s.num_attention_heads) * t * t * 4 +
        t * static_cast<double>((s.num_attention_heads + 2 * s.num_key_value_heads) * s.head_dim) *
            e;
    const double mlp = 3 * t * inter * e;  // gate, up, act(gate)*up
    double dequant = 0;
    if (p == WeightPrecision::Int8 || p == WeightPrecision::Int4) dequant = inter * hidden * 2;
    return with_margin(persistent + std::max(attn, mlp) + dequant);
}

uint64_t clip_activation_bytes(WeightPrecision p) {
    const double t = 77, d = 768, e = static_cast<double>(element_bytes(p));
    return with_margin(4 * t * d * e + 2 * 12 * t * t * 4 + 2 * t * 3072 * e);
}

}  // namespace kinema
