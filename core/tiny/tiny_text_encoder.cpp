#include "core/tiny/tiny_text_encoder.h"

#include <ATen/ATen.h>

#include "core/model/attention.h"

namespace kinema {

Result<std::unique_ptr<TinyTextEncoder>> TinyTextEncoder::create(const TinyTextEncoderConfig& c) {
    if (c.vocab_size < 2 || c.width <= 0 || c.heads <= 0 || c.width % c.heads != 0 ||
        c.layers < 0 || c.max_tokens <= 0 || !(c.mlp_ratio > 0))
        return make_error(ErrorKind::BadModelFile, "invalid kinema-tiny text encoder config");
    return std::unique_ptr<TinyTextEncoder>(new TinyTextEncoder(c));
}

TinyTextEncoder::TinyTextEncoder(const TinyTextEncoderConfig& c) : config_(c) {
    registry_.add("token_embedding.weight", {c.vocab_size, c.width}, &token_embedding_);
    registry_.add("position_embedding.weight", {c.max_tokens, c.width}, &position_embedding_);
    const auto hidden = static_cast<int64_t>(static_cast<double>(c.width) * c.mlp_ratio);
    blocks_.resize(static_cast<size_t>(c.layers));
    for (size_t i = 0; i < blocks_.size(); ++i) {
        const std::string k = "layers." + std::to_string(i);
        auto& b = blocks_[i];
        b.ln1.declare(registry_, k + ".ln1", c.width);
        b.qkv.declare(registry_, k + ".qkv", c.width, 3 * c.width);
        b.proj.declare(registry_, k + ".proj", c.width, c.width);
        b.ln2.declare(registry_, k + ".ln2", c.width);
        b.mlp.declare(registry_, k + ".mlp", c.width, hidden, Activation::GeluTanh);
    }
    final_norm_.declare(registry_, "final_norm", c.width);
    pool_proj_.declare(registry_, "pool_proj", c.width, c.width);
}

Status TinyTextEncoder::load_weights(const std::map<std::string, at::Tensor>& tensors,
                                     const BindOptions& options) {
    return registry_.bind(tensors, kPrefix, options);
}

void TinyTextEncoder::init_random_weights(uint64_t seed, const BindOptions& options) {
    registry_.init_random(seed, 0.02, options);
}

TinyTextEncoder::Output TinyTextEncoder::forward(const at::Tensor& ids,
                                                 const at::Tensor& valid) const {
    const int64_t b = ids.size(0), l = ids.size(1), h = config_.heads, d = config_.width / h;
    TORCH_CHECK(l <= config_.max_tokens, "kinema-tiny text longer than max_tokens");
    at::Tensor x =
        at::embedding(token_embedding_, ids) + position_embedding_.slice(0, 0, l).unsqueeze(0);
    const at::Tensor valid_f = valid.to(x.scalar_type());
    const at::Tensor mask = at::where(valid.view({b, 1, 1, l}), at::zeros({}, x.options()),
                                      at::full({}, -INFINITY, x.options()));
    for (const auto& blk : blocks_) {
        const at::Tensor qkv = blk.qkv(blk.ln1(x)).view({b, l, 3, h, d});
        const at::Tensor att =
            masked_attention_math(qkv.select(2, 0), qkv.select(2, 1), qkv.select(2, 2), mask);
        x = x + blk.proj(att);
        x = x + blk.mlp(blk.ln2(x));
    }
    Output out;
    out.ctxt = final_norm_(x);
    const at::Tensor w = valid_f.unsqueeze(-1);
    const at::Tensor pooled =
        (out.ctxt * w).sum(1, /*keepdim=*/true) / w.sum(1, true).clamp_min(1.0);
    out.vtxt = pool_proj_(pooled);
    return out;
}

}  // namespace kinema
