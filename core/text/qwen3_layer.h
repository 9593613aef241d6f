// One Qwen3 decoder layer as transformers' Qwen3DecoderLayer computes it (eager attention), in
// float32 on weights dequantised on the fly:
//   h = x + o_proj(attn(rope(q_norm(q_proj(n))), rope(k_norm(k_proj(n))), v_proj(n))),
//       n = input_layernorm(x)
//   y = h + down_proj(silu(gate_proj(m)) * up_proj(m)),  m = post_attention_layernorm(h)
// GQA: KV head j serves query heads j*r .. j*r+r-1 (r = heads / kv_heads, HF repeat_kv). RoPE is
// the half-split (rotate_half) convention with inv_freq = 1 / theta^(2i/head_dim) in float32.
// Shapes: hidden (B, L, D) float32; masks additive float (B, 1, L, L). Thread: any (const).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/text/quantized_weight.h"
#include "core/text/text_encoder_config.h"

namespace kinema::text {

struct Qwen3LayerWeights {
    QuantizedWeight q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj;
    at::Tensor input_layernorm, post_attention_layernorm, q_norm, k_norm;  // float32

    uint64_t size_bytes() const;
};

// The linear weights of layer `i`: ("model.layers.i.self_attn.q_proj.weight", {out, in}), ...
std::vector<std::pair<std::string, std::vector<int64_t>>> qwen3_layer_linears(
    const Qwen3Config& config, int64_t layer);
// The norm weights of layer `i` with their shapes.
std::vector<std::pair<std::string, std::vector<int64_t>>> qwen3_layer_norms(
    const Qwen3Config& config, int64_t layer);

// Qwen3RMSNorm: w * (x * rsqrt(mean(x^2, -1) + eps)), float32.
at::Tensor qwen3_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// cos and sin (length, head_dim) float32 for positions 0..length-1: angles p * inv_freq
// concatenated with themselves (HF's cat(freqs, freqs)).
std::pair<at::Tensor, at::Tensor> qwen3_rope_tables(int64_t head_dim, double theta, int64_t length);

// x (B, L, H, hd): x * cos + rotate_half(x) * sin, rotate_half(x) = cat(-x[hd/2:], x[:hd/2]).
at::Tensor qwen3_apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

// Causal mask combined with the key padding mask (attention_mask (B, L), 1 = token), additive
// float32 (B, 1, L, L): 0 where query i may see key j (j <= i and mask[j] = 1), else -inf.
at::Tensor qwen3_attention_mask(const at::Tensor& attention_mask);

// The inputs of the layer's linears in one forward, for error measurements: `norm_in` feeds
// q/k/v_proj, `attn` o_proj, `mlp_in` gate/up_proj and `act` down_proj; `attn_out` is the
// attention block's contribution (o_proj output) to the residual (float32).
struct Qwen3LayerTaps {
    at::Tensor norm_in, attn, mlp_in, act, attn_out;
};

// One layer; fills `taps` when given. Throws c10::Error on failure (callers catch at the
// boundary).
at::Tensor qwen3_decoder_layer(const Qwen3Config& config, const Qwen3LayerWeights& w,
                               const at::Tensor& hidden, const at::Tensor& cos,
                               const at::Tensor& sin, const at::Tensor& mask,
                               Qwen3LayerTaps* taps = nullptr);

}  // namespace kinema::text
