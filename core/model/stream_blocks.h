// The MMDiT's transformer blocks (spec §2.7, §2.8). Both take the shared conditioning vector
// `adapter` (B, 1, D), the joint attention mask and the RoPE tables of the joint sequence
// [motion ; text]. Const forward; weights are bound through the ParameterRegistry.
#pragma once

#include <ATen/core/Tensor.h>

#include <utility>

#include "core/model/nn_layers.h"

namespace kinema {

// Per-run tensors shared by every block of one forward.
struct JointAttentionContext {
    at::Tensor mask;      // (B, 1, L, L) additive float32
    at::Tensor rope_cos;  // (1, L, 1, head_dim)
    at::Tensor rope_sin;
    int64_t heads = 0;
};

class DoubleStreamBlock {
public:
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t hidden,
                 int64_t head_dim);

    // motion (B, Lm, D), text (B, Lt, D) -> updated pair.
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor& motion, const at::Tensor& text,
                                              const at::Tensor& adapter_act /*SiLU(adapter)*/,
                                              const JointAttentionContext& ctx) const;

    // The modulated motion input of the attention branch (TeaCache's change indicator).
    at::Tensor modulated_motion_input(const at::Tensor& motion,
                                      const at::Tensor& adapter_act) const;

private:
    struct Stream {
        Linear mod, qkv, out_proj;
        RmsNorm q_norm, k_norm;
        Mlp mlp;
    };
    void declare_stream(Stream& s, ParameterRegistry& reg, const std::string& prefix, int64_t dim,
                        int64_t hidden, int64_t head_dim);
    Stream motion_, text_;
};

class SingleStreamBlock {
public:
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t hidden,
                 int64_t head_dim);

    // x: (B, Lm+Lt, D) -> updated x.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& adapter_act,
                       const JointAttentionContext& ctx) const;

private:
    Linear modulation_, linear1_, linear2_;
    RmsNorm q_norm_, k_norm_;
    int64_t dim_ = 0, hidden_ = 0;
};

// FinalLayer: shift, scale = Linear(SiLU(adapter)); Linear(LN(x)*(1+scale)+shift).
struct FinalLayer {
    Linear modulation, linear;
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t out_dim);
    at::Tensor operator()(const at::Tensor& x, const at::Tensor& adapter_act) const;
};

}  // namespace kinema
