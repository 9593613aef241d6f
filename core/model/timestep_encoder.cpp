#include "core/model/timestep_encoder.h"

#include <ATen/ATen.h>

namespace kinema {

at::Tensor sinusoidal_embedding(const at::Tensor& t, int64_t dim, double time_factor) {
    const at::Tensor scaled = t * time_factor;
    const int64_t half = dim / 2;
    const auto fopts = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor neg_log = -at::log(at::scalar_tensor(10000.0, fopts));
    const at::Tensor freqs =
        at::exp(neg_log * at::arange(0, half, fopts) / static_cast<double>(half)).to(t.device());
    const at::Tensor args = scaled.unsqueeze(1).to(at::kFloat) * freqs.unsqueeze(0);
    at::Tensor emb = at::cat({at::cos(args), at::sin(args)}, -1);
    if (dim % 2) emb = at::cat({emb, at::zeros_like(emb.slice(1, 0, 1))}, -1);
    return emb;
}

void TimestepEncoder::declare(ParameterRegistry& reg, const std::string& key, int64_t feat_dim,
                              double factor) {
    dim = feat_dim;
    time_factor = factor;
    fc0.declare(reg, key + ".blocks.0", feat_dim, feat_dim);
    fc2.declare(reg, key + ".blocks.2", feat_dim, feat_dim);
}

at::Tensor TimestepEncoder::operator()(const at::Tensor& t) const {
    const at::Tensor emb = sinusoidal_embedding(t, dim, time_factor).to(fc0.weight.scalar_type());
    return fc2(activate(fc0(emb), act)).unsqueeze(1);
}

}  // namespace kinema
