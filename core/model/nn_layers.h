// The few weight-carrying primitives the MMDiT is built from. Each declares its weights in a
// ParameterRegistry under the checkpoint key it mirrors; calls are const and thread-compatible.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "core/model/parameter_registry.h"

namespace kinema {

// nn.Linear: weight (out, in), bias (out).
struct Linear {
    at::Tensor weight, bias;
    void declare(ParameterRegistry& reg, const std::string& key, int64_t in, int64_t out,
                 bool with_bias = true);
    at::Tensor operator()(const at::Tensor& x) const;
};

// nn.LayerNorm(dim, elementwise_affine=True, eps=1e-6).
struct AffineLayerNorm {
    at::Tensor weight, bias;
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim);
    at::Tensor operator()(const at::Tensor& x) const;
};

// HY-Motion RMSNorm: x * rsqrt(mean(x^2) + 1e-6) in float32, cast back, then * weight.
struct RmsNorm {
    at::Tensor weight;
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim);
    at::Tensor operator()(const at::Tensor& x) const;
};

enum class Activation { Silu, GeluTanh };

// fc1 -> act -> fc2 (the official MLP with dropout/identity removed).
struct Mlp {
    Linear fc1, fc2;
    Activation act = Activation::GeluTanh;
    void declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t hidden,
                 Activation activation);
    at::Tensor operator()(const at::Tensor& x) const;
};

at::Tensor activate(const at::Tensor& x, Activation act);

// LayerNorm without affine parameters, eps 1e-6, over the last dim.
at::Tensor plain_layer_norm(const at::Tensor& x);

// x * (1 + scale) + shift
at::Tensor modulate(const at::Tensor& x, const at::Tensor& shift, const at::Tensor& scale);

}  // namespace kinema
