#include "core/model/nn_layers.h"

#include <ATen/ATen.h>

namespace kinema {

void Linear::declare(ParameterRegistry& reg, const std::string& key, int64_t in, int64_t out,
                     bool with_bias) {
    reg.add(key + ".weight", {out, in}, &weight);
    if (with_bias) reg.add(key + ".bias", {out}, &bias);
}

at::Tensor Linear::operator()(const at::Tensor& x) const {
    return at::linear(x, weight, bias);
}

void AffineLayerNorm::declare(ParameterRegistry& reg, const std::string& key, int64_t dim) {
    reg.add(key + ".weight", {dim}, &weight);
    reg.add(key + ".bias", {dim}, &bias);
}

at::Tensor AffineLayerNorm::operator()(const at::Tensor& x) const {
    return at::layer_norm(x, {x.size(-1)}, weight, bias, 1e-6);
}

void RmsNorm::declare(ParameterRegistry& reg, const std::string& key, int64_t dim) {
    reg.add(key + ".weight", {dim}, &weight);
}

at::Tensor RmsNorm::operator()(const at::Tensor& x) const {
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + 1e-6);
    return normed.to(x.scalar_type()) * weight;
}

void Mlp::declare(ParameterRegistry& reg, const std::string& key, int64_t dim, int64_t hidden,
                  Activation activation) {
    fc1.declare(reg, key + ".fc1", dim, hidden);
    fc2.declare(reg, key + ".fc2", hidden, dim);
    act = activation;
}

at::Tensor Mlp::operator()(const at::Tensor& x) const {
    return fc2(activate(fc1(x), act));
}

at::Tensor activate(const at::Tensor& x, Activation act) {
    switch (act) {
        case Activation::Silu:
            return at::silu(x);
        case Activation::GeluTanh:
            return at::gelu(x, "tanh");
    }
    return x;
}

at::Tensor plain_layer_norm(const at::Tensor& x) {
    return at::layer_norm(x, {x.size(-1)}, {}, {}, 1e-6);
}

at::Tensor modulate(const at::Tensor& x, const at::Tensor& shift, const at::Tensor& scale) {
    return x * (1 + scale) + shift;
}

}  // namespace kinema
