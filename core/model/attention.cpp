#include "core/model/attention.h"

#include <ATen/ATen.h>
#include <torch/version.h>

#include <cmath>

namespace kinema {

at::Tensor masked_attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                 const at::Tensor& mask) {
    // (B, L, H, D) -> (B, H, L, D)
    const at::Tensor qh = q.transpose(1, 2).to(at::kFloat);
    const at::Tensor kh = k.transpose(1, 2).to(at::kFloat);
    const at::Tensor vh = v.transpose(1, 2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    at::Tensor scores = at::matmul(qh, kh.transpose(-2, -1)) * scale;
    if (mask.defined()) scores = scores + mask;
    const at::Tensor probs = at::softmax(scores, -1).to(vh.scalar_type());
    const at::Tensor out = at::matmul(probs, vh);  // (B, H, L, D)
    return out.transpose(1, 2).reshape({q.size(0), q.size(1), q.size(2) * q.size(3)});
}

at::Tensor masked_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            const at::Tensor& mask) {
#if TORCH_VERSION_MAJOR >= 2
    const at::Tensor qh = q.transpose(1, 2);
    const at::Tensor kh = k.transpose(1, 2);
    const at::Tensor vh = v.transpose(1, 2);
    const at::Tensor m = mask.defined() ? mask.to(q.scalar_type()) : mask;
    const at::Tensor out = at::scaled_dot_product_attention(qh, kh, vh, m);
    return out.transpose(1, 2).reshape({q.size(0), q.size(1), q.size(2) * q.size(3)});
#else
    return masked_attention_math(q, k, v, mask);
#endif
}

RotaryTable::RotaryTable(int64_t head_dim, int64_t max_positions, double theta)
    : max_positions_(max_positions) {
    // Same float32 op order as the official RotaryEmbedding so tables agree bit for bit.
    const at::Tensor dim_t = at::arange(0, head_dim, 2, at::TensorOptions().dtype(at::kFloat));
    const at::Tensor exponent = 2 * at::div(dim_t, 2, "trunc") / static_cast<double>(head_dim);
    const at::Tensor freqs = 1.0 / at::pow(theta, exponent);
    const at::Tensor pos =
        at::arange(max_positions, at::TensorOptions().dtype(at::kLong)).to(at::kFloat);
    const at::Tensor angles = at::outer(pos, freqs);
    cos_ = angles.cos().repeat_interleave(2, 1).contiguous();
    sin_ = angles.sin().repeat_interleave(2, 1).contiguous();
}

std::pair<at::Tensor, at::Tensor> RotaryTable::gather(const at::Tensor& positions,
                                                      const at::Tensor& like) const {
    const int64_t len = positions.size(0);
    at::Tensor c = cos_.index_select(0, positions.cpu()).view({1, len, 1, cos_.size(1)});
    at::Tensor s = sin_.index_select(0, positions.cpu()).view({1, len, 1, sin_.size(1)});
    return {c.to(like.device()), s.to(like.device())};
}

at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
    const at::Tensor xf = x.to(at::kFloat);
    std::vector<int64_t> pair_shape(xf.sizes().begin(), xf.sizes().end());
    pair_shape.back() /= 2;
    pair_shape.push_back(2);
    const at::Tensor pairs = xf.reshape(pair_shape);
    const at::Tensor real = pairs.select(-1, 0);
    const at::Tensor imag = pairs.select(-1, 1);
    const at::Tensor rotated = at::stack({-imag, real}, -1).flatten(3);
    return (xf * cos + rotated * sin).to(x.scalar_type());
}

}  // namespace kinema
