// Masked multi-head attention and rotary position embedding, as HY-Motion computes them.
// Tensors are (B, L, H, head_dim) in and (B, L, H*head_dim) out. Masks are additive float
// (0 / -inf), broadcastable to (B, H, Lq, Lk). Scores and softmax are float32 whatever the input
// dtype. libtorch >= 2 uses at::scaled_dot_product_attention; 1.13 an exact math path.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <utility>

namespace kinema {

at::Tensor masked_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            const at::Tensor& mask);

// The math path, always available (tests compare the two on libtorch >= 2).
at::Tensor masked_attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                 const at::Tensor& mask);

// RoPE tables of the official RotaryEmbedding(num_feats=head_dim, max_seq_len, use_real=True):
// cos/sin of p * 10000^(-2i/head_dim), repeat-interleaved to head_dim, float32, (max_positions,
// hd).
class RotaryTable {
public:
    explicit RotaryTable(int64_t head_dim, int64_t max_positions = 5000, double theta = 10000.0);

    // cos and sin for `positions` (int64, (L,)), shaped (1, L, 1, head_dim) on `like`'s device.
    std::pair<at::Tensor, at::Tensor> gather(const at::Tensor& positions,
                                             const at::Tensor& like) const;

    int64_t max_positions() const { return max_positions_; }

private:
    int64_t max_positions_;
    at::Tensor cos_, sin_;
};

// Interleaved-pair (GPT-J) rotation: out[2i] = x[2i]c - x[2i+1]s, out[2i+1] = x[2i+1]c + x[2i]s,
// computed in float32 and cast back to x's dtype.
at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

}  // namespace kinema
