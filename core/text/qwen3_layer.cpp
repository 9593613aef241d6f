#include "core/text/qwen3_layer.h"

#include <ATen/ATen.h>

#include <limits>

#include "core/model/attention.h"

namespace kinema::text {

uint64_t Qwen3LayerWeights::size_bytes() const {
    uint64_t total = 0;
    for (const auto* q : {&q_proj, &k_proj, &v_proj, &o_proj, &gate_proj, &up_proj, &down_proj})
        total += q->size_bytes();
    for (const auto* t : {&input_layernorm, &post_attention_layernorm, &q_norm, &k_norm})
        if (t->defined()) total += t->numel() * t->element_size();
    return total;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> qwen3_layer_linears(const Qwen3Config& c,
                                                                              int64_t layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const int64_t q_dim = c.num_attention_heads * c.head_dim;
    const int64_t kv_dim = c.num_key_value_heads * c.head_dim;
    return {{p + "self_attn.q_proj.weight", {q_dim, c.hidden_size}},
            {p + "self_attn.k_proj.weight", {kv_dim, c.hidden_size}},
            {p + "self_attn.v_proj.weight", {kv_dim, c.hidden_size}},
            {p + "self_attn.o_proj.weight", {c.hidden_size, q_dim}},
            {p + "mlp.gate_proj.weight", {c.intermediate_size, c.hidden_size}},
            {p + "mlp.up_proj.weight", {c.intermediate_size, c.hidden_size}},
            {p + "mlp.down_proj.weight", {c.hidden_size, c.intermediate_size}}};
}

std::vector<std::pair<std::string, std::vector<int64_t>>> qwen3_layer_norms(const Qwen3Config& c,
                                                                            int64_t layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    return {{p + "input_layernorm.weight", {c.hidden_size}},
            {p + "post_attention_layernorm.weight", {c.hidden_size}},
            {p + "self_attn.q_norm.weight", {c.head_dim}},
            {p + "self_attn.k_norm.weight", {c.head_dim}}};
}

at::Tensor qwen3_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor variance = xf.pow(2).mean(-1, /*keepdim=*/true);
    return weight.to(xf.device()) * (xf * at::rsqrt(variance + eps));
}

std::pair<at::Tensor, at::Tensor> qwen3_rope_tables(int64_t head_dim, double theta,
                                                    int64_t length) {
    // transformers' _compute_default_rope_parameters + Qwen3RotaryEmbedding.forward, float32.
    const at::Tensor exponent =
        at::arange(0, head_dim, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) /
        static_cast<double>(head_dim);
    const at::Tensor inv_freq = 1.0 / at::pow(theta, exponent);
    const at::Tensor pos = at::arange(length, at::TensorOptions().dtype(at::kLong)).to(at::kFloat);
    const at::Tensor freqs = at::outer(pos, inv_freq);
    const at::Tensor emb = at::cat({freqs, freqs}, -1);
    return {emb.cos(), emb.sin()};
}

at::Tensor qwen3_apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
    const int64_t half = x.size(-1) / 2;
    const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    // cos/sin (L, hd) -> (1, L, 1, hd)
    const at::Tensor c = cos.unsqueeze(0).unsqueeze(2);
    const at::Tensor s = sin.unsqueeze(0).unsqueeze(2);
    return x * c + rotated * s;
}

at::Tensor qwen3_attention_mask(const at::Tensor& attention_mask) {
    const int64_t len = attention_mask.size(1);
    const at::Tensor causal =
        at::ones({len, len}, at::TensorOptions().dtype(at::kBool)).tril();           // j <= i
    const at::Tensor keys = attention_mask.to(at::kBool).unsqueeze(1).unsqueeze(1);  // (B,1,1,L)
    const at::Tensor allowed = at::logical_and(causal.unsqueeze(0).unsqueeze(0), keys);
    at::Tensor mask = at::zeros(allowed.sizes(), at::TensorOptions().dtype(at::kFloat));
    return mask.masked_fill_(allowed.logical_not(), -std::numeric_limits<float>::infinity());
}

at::Tensor qwen3_decoder_layer(const Qwen3Config& c, const Qwen3LayerWeights& w,
                               const at::Tensor& hidden, const at::Tensor& cos,
                               const at::Tensor& sin, const at::Tensor& mask,
                               Qwen3LayerTaps* taps) {
    const int64_t b = hidden.size(0), len = hidden.size(1);
    const at::Tensor n = qwen3_rms_norm(hidden, w.input_layernorm, c.rms_norm_eps);
    at::Tensor q = w.q_proj.linear(n).view({b, len, c.num_attention_heads, c.head_dim});
    at::Tensor k = w.k_proj.linear(n).view({b, len, c.num_key_value_heads, c.head_dim});
    at::Tensor v = w.v_proj.linear(n).view({b, len, c.num_key_value_heads, c.head_dim});
    q = qwen3_apply_rope(qwen3_rms_norm(q, w.q_norm, c.rms_norm_eps), cos, sin);
    k = qwen3_apply_rope(qwen3_rms_norm(k, w.k_norm, c.rms_norm_eps), cos, sin);
    const int64_t rep = c.num_attention_heads / c.num_key_value_heads;
    if (rep > 1) {
        k = k.repeat_interleave(rep, 2);
        v = v.repeat_interleave(rep, 2);
    }
    const at::Tensor attn = masked_attention(q, k, v, mask);  // (B, L, H*hd)
    const at::Tensor attn_out = w.o_proj.linear(attn);
    const at::Tensor h = hidden + attn_out;
    const at::Tensor m = qwen3_rms_norm(h, w.post_attention_layernorm, c.rms_norm_eps);
    const at::Tensor act = at::silu(w.gate_proj.linear(m)) * w.up_proj.linear(m);
    if (taps) *taps = {n, attn, m, act, attn_out};
    return h + w.down_proj.linear(act);
}

}  // namespace kinema::text
