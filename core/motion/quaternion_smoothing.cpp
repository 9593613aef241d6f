#include "core/motion/quaternion_smoothing.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/motion/rotations.h"

namespace kinema {
namespace {

// numpy's pairwise summation of float64 (the order np.sum uses for a contiguous 1-D array).
double numpy_pairwise_sum(const double* a, int64_t n) {
    if (n < 8) {
        double res = 0.0;
        for (int64_t i = 0; i < n; ++i)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int i = 0; i < 8; ++i)
            r[i] = a[i];
        int64_t i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (int k = 0; k < 8; ++k)
                r[k] += a[i + k];
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return numpy_pairwise_sum(a, n2) + numpy_pairwise_sum(a + n2, n - n2);
}

}  // namespace

std::vector<double> gaussian_smoothing_weights(double sigma) {
    TORCH_CHECK(sigma > 0 && sigma <= 30, "gaussian_smoothing_weights: sigma out of range");
    const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
    const double scale = -0.5 / (sigma * sigma);
    std::vector<double> phi;
    for (int64_t x = -radius; x <= radius; ++x) {
        phi.push_back(std::exp(scale * static_cast<double>(x * x)));
    }
    const double sum = numpy_pairwise_sum(phi.data(), static_cast<int64_t>(phi.size()));
    for (auto& p : phi)
        p /= sum;
    std::reverse(phi.begin(), phi.end());
    return phi;
}

at::Tensor smoothing_input_quaternions(const at::Tensor& rot6d) {
    TORCH_CHECK(rot6d.dim() == 4 && rot6d.size(3) == 6,
                "smoothing_input_quaternions: expected (S, L, J, 6), got ", rot6d.sizes());
    const auto quat = matrix_to_quaternion(rot6d_to_matrix(rot6d));
    // Time first for the continuity fix, then back to (S, L, J, 4).
    return quaternion_fix_continuity(quat.transpose(0, 1)).transpose(0, 1).contiguous();
}

at::Tensor markley_smooth_quaternions(const at::Tensor& quat_continuous, double sigma) {
    TORCH_CHECK(quat_continuous.dim() == 4 && quat_continuous.size(3) == 4,
                "markley_smooth_quaternions: expected (S, L, J, 4), got ", quat_continuous.sizes());
    const auto q = quat_continuous.to(at::kCPU, at::kFloat).contiguous();
    if (sigma <= 0 || q.numel() == 0) return q.clone();

    const auto weights = gaussian_smoothing_weights(sigma);
    const auto taps = static_cast<int64_t>(weights.size());
    const auto radius = taps / 2;
    std::vector<float> weights_f32(weights.begin(), weights.end());
    double weight_sum = 0.0;
    for (double w : weights)
        weight_sum += w;

    const int64_t num_samples = q.size(0), frames = q.size(1), joints = q.size(2);
    auto acc = at::empty({num_samples * frames * joints, 4, 4}, q.options().dtype(at::kDouble));
    const float* qd = q.data_ptr<float>();
    double* ad = acc.data_ptr<double>();

    at::parallel_for(0, num_samples * joints, 1, [&](int64_t begin, int64_t end) {
        for (int64_t sj = begin; sj < end; ++sj) {
            const int64_t s = sj / joints, j = sj % joints;
            for (int64_t t = 0; t < frames; ++t) {
                double a[16] = {};
                for (int64_t k = 0; k < taps; ++k) {
                    const int64_t src = std::clamp<int64_t>(t - radius + k, 0, frames - 1);
                    const float* qk = qd + ((s * frames + src) * joints + j) * 4;
                    for (int r = 0; r < 4; ++r) {
                        for (int c = 0; c < 4; ++c) {
                            const float outer = qk[r] * qk[c];
                            const float weighted = weights_f32[k] * outer;
                            a[r * 4 + c] += static_cast<double>(weighted);
                        }
                    }
                }
                double* out = ad + ((s * frames + t) * joints + j) * 16;
                for (int e = 0; e < 16; ++e)
                    out[e] = a[e] / weight_sum;
            }
        }
    });

    // Eigenvectors come in ascending eigenvalue order: the last column is the average.
    const auto eig = at::linalg_eigh(acc, "L");
    const auto avg = std::get<1>(eig).select(-1, 3);
    return avg.to(at::kFloat).reshape({num_samples, frames, joints, 4});
}

at::Tensor smooth_rot6d(const at::Tensor& rot6d, double sigma) {
    const auto quat = smoothing_input_quaternions(rot6d.to(at::kCPU, at::kFloat));
    const auto smooth = markley_smooth_quaternions(quat, sigma);
    return matrix_to_rot6d(quaternion_to_matrix(smooth));
}

}  // namespace kinema
