// SingleTokenRefiner (HunyuanVideo style, spec §2.5): refines the projected text tokens with
// timestep- and context-conditioned self-attention. No RoPE. Only the gates depend on t, so the
// t-independent parts (input embedding, pooled context) are computed once per run by prepare().
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model/nn_layers.h"
#include "core/model/timestep_encoder.h"

namespace kinema {

struct RefinerBlock {
    AffineLayerNorm norm1, norm2, q_norm, k_norm;
    Linear qkv, proj, modulation;
    Mlp mlp;
};

class TokenRefiner {
public:
    // The per-run, t-independent part.
    struct Prepared {
        at::Tensor tokens;   // input_embedder(x), (B, Lt, D)
        at::Tensor context;  // context_encoder(masked mean of x), (B, 1, D)
        at::Tensor mask;     // refiner self-attention mask, (B, 1, Lt, Lt)
    };

    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t heads,
                 int64_t layers, double mlp_ratio);

    Prepared prepare(const at::Tensor& x /*(B,Lt,D)*/,
                     const at::Tensor& text_valid /*(B,Lt)*/) const;
    at::Tensor forward(const Prepared& prepared, const at::Tensor& t /*(B,) raw*/) const;

private:
    Linear input_embedder_, ctx0_, ctx2_;
    TimestepEncoder timestep_;
    std::vector<RefinerBlock> blocks_;
    int64_t heads_ = 0;
};

}  // namespace kinema
