#include "core/motion/savgol_filter.h"

#include <ATen/ATen.h>

#include <cmath>

namespace kinema {

std::vector<double> savgol_projection(int64_t window, int64_t order) {
    TORCH_CHECK(window % 2 == 1 && order >= 0 && order < window && window <= 101,
                "savgol_projection: need an odd window > order, got ", window, "/", order);
    const int64_t cols = order + 1;
    const double centre = static_cast<double>(window - 1) / 2.0;
    // Orthonormal basis of the polynomials up to `order` sampled at u in [-1, 1] (the projection is
    // invariant to this affine change of variable, and it keeps the basis well conditioned).
    // Modified Gram-Schmidt, applied twice.
    std::vector<double> q(static_cast<size_t>(window * cols));
    for (int64_t c = 0; c < cols; ++c) {
        for (int64_t i = 0; i < window; ++i) {
            const double u = centre > 0 ? (static_cast<double>(i) - centre) / centre : 0.0;
            q[i * cols + c] = std::pow(u, static_cast<double>(c));
        }
        for (int pass = 0; pass < 2; ++pass) {
            for (int64_t p = 0; p < c; ++p) {
                double dot = 0.0;
                for (int64_t i = 0; i < window; ++i)
                    dot += q[i * cols + p] * q[i * cols + c];
                for (int64_t i = 0; i < window; ++i)
                    q[i * cols + c] -= dot * q[i * cols + p];
            }
        }
        double norm = 0.0;
        for (int64_t i = 0; i < window; ++i)
            norm += q[i * cols + c] * q[i * cols + c];
        norm = std::sqrt(norm);
        for (int64_t i = 0; i < window; ++i)
            q[i * cols + c] /= norm;
    }
    std::vector<double> proj(static_cast<size_t>(window * window), 0.0);
    for (int64_t i = 0; i < window; ++i) {
        for (int64_t k = 0; k < window; ++k) {
            double s = 0.0;
            for (int64_t c = 0; c < cols; ++c)
                s += q[i * cols + c] * q[k * cols + c];
            proj[i * window + k] = s;
        }
    }
    return proj;
}

at::Tensor savgol_filter(const at::Tensor& x, int64_t window, int64_t order) {
    TORCH_CHECK(x.dim() >= 2, "savgol_filter: expected (..., L, C), got ", x.sizes());
    const int64_t length = x.size(-2), channels = x.size(-1);
    TORCH_CHECK(length >= window, "savgol_filter: ", length, " samples < window ", window);
    const auto proj = savgol_projection(window, order);
    const int64_t half = window / 2;
    // Interior taps w[d] for offsets +-d (the middle row of the projection).
    std::vector<double> taps(static_cast<size_t>(half + 1));
    for (int64_t d = 0; d <= half; ++d)
        taps[d] = proj[half * window + half - d];

    const auto in = x.to(at::kCPU, at::kDouble).contiguous();
    auto out = at::empty(x.sizes(), in.options().dtype(at::kFloat));
    const double* src = in.data_ptr<double>();
    float* dst = out.data_ptr<float>();
    const int64_t series = channels == 0 ? 0 : in.numel() / (length * channels);

    for (int64_t b = 0; b < series; ++b) {
        for (int64_t c = 0; c < channels; ++c) {
            const double* xs = src + b * length * channels + c;
            float* ys = dst + b * length * channels + c;
            const auto at_t = [&](int64_t t) { return xs[t * channels]; };
            // Interior: scipy.ndimage's symmetric correlate order (centre, then outermost pair in).
            for (int64_t t = half; t < length - half; ++t) {
                double acc = at_t(t) * taps[0];
                for (int64_t d = half; d >= 1; --d)
                    acc += (at_t(t - d) + at_t(t + d)) * taps[d];
                ys[t * channels] = static_cast<float>(acc);
            }
            // Edges: the polynomial fitted to the first/last `window` samples.
            for (int64_t i = 0; i < half; ++i) {
                double head = 0.0, tail = 0.0;
                const int64_t row_tail = window - half + i;
                for (int64_t k = 0; k < window; ++k) {
                    head += proj[i * window + k] * at_t(k);
                    tail += proj[row_tail * window + k] * at_t(length - window + k);
                }
                ys[i * channels] = static_cast<float>(head);
                ys[(length - half + i) * channels] = static_cast<float>(tail);
            }
        }
    }
    return out;
}

}  // namespace kinema
