#include "core/model/stream_blocks.h"

#include <ATen/ATen.h>

#include <array>

#include "core/model/attention.h"

namespace kinema {
namespace {

// (B, L, 3D) -> q, k, v each (B, L, H, hd); layout [q | k | v], head-major inside each.
std::array<at::Tensor, 3> split_qkv(const at::Tensor& qkv, int64_t heads) {
    const int64_t batch = qkv.size(0), len = qkv.size(1);
    const int64_t head_dim = qkv.size(2) / 3 / heads;
    const at::Tensor v = qkv.view({batch, len, 3, heads, head_dim});
    return {v.select(2, 0), v.select(2, 1), v.select(2, 2)};
}

}  // namespace

void DoubleStreamBlock::declare_stream(Stream& s, ParameterRegistry& reg, const std::string& p,
                                       int64_t dim, int64_t hidden, int64_t head_dim) {
    s.mod.declare(reg, p + "_mod.linear", dim, 6 * dim);
    s.qkv.declare(reg, p + "_qkv", dim, 3 * dim);
    s.q_norm.declare(reg, p + "_q_norm", head_dim);
    s.k_norm.declare(reg, p + "_k_norm", head_dim);
    s.out_proj.declare(reg, p + "_out_proj", dim, dim);
    s.mlp.declare(reg, p + "_mlp", dim, hidden, Activation::GeluTanh);
}

void DoubleStreamBlock::declare(ParameterRegistry& reg, const std::string& key, int64_t dim,
                                int64_t hidden, int64_t head_dim) {
    declare_stream(motion_, reg, key + ".motion", dim, hidden, head_dim);
    declare_stream(text_, reg, key + ".text", dim, hidden, head_dim);
}

at::Tensor DoubleStreamBlock::modulated_motion_input(const at::Tensor& motion,
                                                     const at::Tensor& adapter_act) const {
    const auto m = motion_.mod(adapter_act).chunk(6, -1);
    return modulate(plain_layer_norm(motion), m[0], m[1]);
}

std::pair<at::Tensor, at::Tensor> DoubleStreamBlock::forward(
    const at::Tensor& motion, const at::Tensor& text, const at::Tensor& adapter_act,
    const JointAttentionContext& ctx) const {
    const auto mm = motion_.mod(adapter_act).chunk(6, -1);
    const auto tm = text_.mod(adapter_act).chunk(6, -1);
    const auto mq =
        split_qkv(motion_.qkv(modulate(plain_layer_norm(motion), mm[0], mm[1])), ctx.heads);
    const auto tq = split_qkv(text_.qkv(modulate(plain_layer_norm(text), tm[0], tm[1])), ctx.heads);

    at::Tensor q = at::cat({motion_.q_norm(mq[0]), text_.q_norm(tq[0])}, 1);
    at::Tensor k = at::cat({motion_.k_norm(mq[1]), text_.k_norm(tq[1])}, 1);
    const at::Tensor v = at::cat({mq[2], tq[2]}, 1);
    q = apply_rotary(q, ctx.rope_cos, ctx.rope_sin);
    k = apply_rotary(k, ctx.rope_cos, ctx.rope_sin);
    const at::Tensor attn = masked_attention(q, k, v, ctx.mask);

    const int64_t lm = motion.size(1);
    const int64_t total = attn.size(1);
    at::Tensor m = motion + motion_.out_proj(attn.slice(1, 0, lm)) * mm[2];
    m = m + motion_.mlp(modulate(plain_layer_norm(m), mm[3], mm[4])) * mm[5];
    at::Tensor t = text + text_.out_proj(attn.slice(1, lm, total)) * tm[2];
    t = t + text_.mlp(modulate(plain_layer_norm(t), tm[3], tm[4])) * tm[5];
    return {m, t};
}

void SingleStreamBlock::declare(ParameterRegistry& reg, const std::string& key, int64_t dim,
                                int64_t hidden, int64_t head_dim) {
    dim_ = dim;
    hidden_ = hidden;
    modulation_.declare(reg, key + ".modulation.linear", dim, 3 * dim);
    linear1_.declare(reg, key + ".linear1", dim, 3 * dim + hidden);
    linear2_.declare(reg, key + ".linear2", dim + hidden, dim);
    q_norm_.declare(reg, key + ".q_norm", head_dim);
    k_norm_.declare(reg, key + ".k_norm", head_dim);
}

at::Tensor SingleStreamBlock::forward(const at::Tensor& x, const at::Tensor& adapter_act,
                                      const JointAttentionContext& ctx) const {
    const auto mod = modulation_(adapter_act).chunk(3, -1);
    const at::Tensor h = linear1_(modulate(plain_layer_norm(x), mod[0], mod[1]));
    const auto parts = at::split_with_sizes(h, {3 * dim_, hidden_}, -1);
    const auto qkv = split_qkv(parts[0], ctx.heads);
    const at::Tensor q = apply_rotary(q_norm_(qkv[0]), ctx.rope_cos, ctx.rope_sin);
    const at::Tensor k = apply_rotary(k_norm_(qkv[1]), ctx.rope_cos, ctx.rope_sin);
    const at::Tensor attn = masked_attention(q, k, qkv[2], ctx.mask);
    const at::Tensor out = linear2_(at::cat({attn, at::gelu(parts[1], "tanh")}, 2));
    return x + out * mod[2];
}

void FinalLayer::declare(ParameterRegistry& reg, const std::string& key, int64_t dim,
                         int64_t out_dim) {
    modulation.declare(reg, key + ".adaLN_modulation.linear", dim, 2 * dim);
    linear.declare(reg, key + ".linear", dim, out_dim);
}

at::Tensor FinalLayer::operator()(const at::Tensor& x, const at::Tensor& adapter_act) const {
    const auto m = modulation(adapter_act).chunk(2, -1);
    return linear(modulate(plain_layer_norm(x), m[0], m[1]));
}

}  // namespace kinema
