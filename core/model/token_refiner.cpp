#include "core/model/token_refiner.h"

#include <ATen/ATen.h>

#include "core/model/attention.h"
#include "core/model/attention_masks.h"

namespace kinema {

void TokenRefiner::declare(ParameterRegistry& reg, const std::string& key, int64_t dim,
                           int64_t heads, int64_t layers, double mlp_ratio) {
    heads_ = heads;
    const int64_t head_dim = dim / heads;
    const auto hidden = static_cast<int64_t>(static_cast<double>(dim) * mlp_ratio);
    input_embedder_.declare(reg, key + ".input_embedder", dim, dim);
    ctx0_.declare(reg, key + ".context_encoder.linears.0", dim, dim);
    ctx2_.declare(reg, key + ".context_encoder.linears.2", dim, dim);
    timestep_.declare(reg, key + ".timestep_encoder", dim, /*factor=*/1.0);
    blocks_.resize(static_cast<size_t>(layers));
    for (int64_t i = 0; i < layers; ++i) {
        auto& b = blocks_[static_cast<size_t>(i)];
        const std::string p = key + ".individual_token_refiner.blocks." + std::to_string(i);
        b.norm1.declare(reg, p + ".norm1", dim);
        b.qkv.declare(reg, p + ".self_attn_qkv", dim, 3 * dim);
        b.q_norm.declare(reg, p + ".self_attn_q_norm", head_dim);
        b.k_norm.declare(reg, p + ".self_attn_k_norm", head_dim);
        b.proj.declare(reg, p + ".self_attn_proj", dim, dim);
        b.norm2.declare(reg, p + ".norm2", dim);
        b.mlp.declare(reg, p + ".mlp", dim, hidden, Activation::Silu);
        b.modulation.declare(reg, p + ".adaLN_modulation.linear", dim, 2 * dim);
    }
}

TokenRefiner::Prepared TokenRefiner::prepare(const at::Tensor& x,
                                             const at::Tensor& text_valid) const {
    Prepared out;
    const at::Tensor m = text_valid.to(x.scalar_type()).unsqueeze(-1);
    const at::Tensor pooled = (x * m).sum(1) / m.sum(1).clamp_min(1e-6);
    out.context = ctx2_(at::silu(ctx0_(pooled))).unsqueeze(1);
    out.tokens = input_embedder_(x);
    out.mask = build_refiner_attention_mask(text_valid);
    return out;
}

at::Tensor TokenRefiner::forward(const Prepared& prepared, const at::Tensor& t) const {
    const at::Tensor c = timestep_(t) + prepared.context;  // (B, 1, D)
    const at::Tensor c_act = at::silu(c);
    at::Tensor x = prepared.tokens;
    const int64_t batch = x.size(0), len = x.size(1), dim = x.size(2);
    for (const auto& b : blocks_) {
        const auto gates = b.modulation(c_act).chunk(2, -1);
        const at::Tensor qkv = b.qkv(b.norm1(x)).view({batch, len, 3, heads_, dim / heads_});
        const at::Tensor v = qkv.select(2, 2);
        const at::Tensor q = b.q_norm(qkv.select(2, 0));
        const at::Tensor k = b.k_norm(qkv.select(2, 1));
        const at::Tensor attn = masked_attention(q, k, v, prepared.mask);
        x = x + b.proj(attn) * gates[0];
        x = x + b.mlp(b.norm2(x)) * gates[1];
    }
    return x;
}

}  // namespace kinema
