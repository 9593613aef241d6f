#include "core/motion/rotations.h"

#include <ATen/ATen.h>

#include <vector>

namespace kinema {
namespace {

// F.normalize(x, dim=-1, eps=1e-12): x / max(|x|, eps).
at::Tensor normalize_last(const at::Tensor& x) {
    return x / at::norm(x, 2, {-1}, /*keepdim=*/true).clamp_min(1e-12).expand_as(x);
}

std::vector<int64_t> with_trailing(at::IntArrayRef batch, std::initializer_list<int64_t> tail) {
    std::vector<int64_t> shape(batch.begin(), batch.end());
    shape.insert(shape.end(), tail.begin(), tail.end());
    return shape;
}

void check_trailing(const at::Tensor& t, std::initializer_list<int64_t> tail, const char* what) {
    const auto n = static_cast<int64_t>(tail.size());
    bool ok = t.defined() && t.dim() >= n;
    int64_t i = 0;
    for (int64_t d : tail) {
        ok = ok && t.size(t.dim() - n + i) == d;
        ++i;
    }
    TORCH_CHECK(ok, what, ": unexpected shape ", t.defined() ? t.sizes() : at::IntArrayRef{});
}

// Element (i, j) of matrices (N, 3, 3) as an (N,) view.
at::Tensor at_ij(const at::Tensor& m, int64_t i, int64_t j) {
    return m.select(1, i).select(1, j);
}

}  // namespace

at::Tensor rot6d_to_matrix(const at::Tensor& rot6d) {
    check_trailing(rot6d, {6}, "rot6d_to_matrix");
    const auto x = rot6d.reshape(with_trailing(rot6d.sizes().slice(0, rot6d.dim() - 1), {3, 2}));
    const auto a1 = x.select(-1, 0);
    const auto a2 = x.select(-1, 1);
    const auto b1 = normalize_last(a1);
    // The official code projects with einsum("...i,...i->..."); use the same kernel.
    const auto b1_dot_a2 = at::einsum("...i,...i->...", {b1, a2}).unsqueeze(-1);
    const auto b2 = normalize_last(a2 - b1_dot_a2 * b1);
    const auto b3 = at::cross(b1, b2, -1);
    return at::stack({b1, b2, b3}, -1);
}

at::Tensor matrix_to_rot6d(const at::Tensor& matrix) {
    check_trailing(matrix, {3, 3}, "matrix_to_rot6d");
    return matrix.narrow(-1, 0, 2).reshape(
        with_trailing(matrix.sizes().slice(0, matrix.dim() - 2), {6}));
}

at::Tensor matrix_to_quaternion(const at::Tensor& matrix) {
    check_trailing(matrix, {3, 3}, "matrix_to_quaternion");
    const auto batch = matrix.sizes().slice(0, matrix.dim() - 2);
    const auto m = matrix.reshape(with_trailing(batch, {9})).unbind(-1);
    const auto &m00 = m[0], &m01 = m[1], &m02 = m[2];
    const auto &m10 = m[3], &m11 = m[4], &m12 = m[5];
    const auto &m20 = m[6], &m21 = m[7], &m22 = m[8];

    // Evaluation order follows the reference expressions left to right.
    const auto diag = at::stack({((1.0 + m00) + m11) + m22, ((1.0 + m00) - m11) - m22,
                                 ((1.0 - m00) + m11) - m22, ((1.0 - m00) - m11) + m22},
                                -1);
    const auto q_abs = at::where(diag > 0, at::sqrt(diag), at::zeros_like(diag));
    const auto sq = [&](int64_t i) { return q_abs.select(-1, i).pow(2); };

    // Row r holds the quaternion multiplied by 2*q_abs[r].
    const auto by_rijk = at::stack({at::stack({sq(0), m21 - m12, m02 - m20, m10 - m01}, -1),
                                    at::stack({m21 - m12, sq(1), m10 + m01, m02 + m20}, -1),
                                    at::stack({m02 - m20, m10 + m01, sq(2), m12 + m21}, -1),
                                    at::stack({m10 - m01, m20 + m02, m21 + m12, sq(3)}, -1)},
                                   -2);
    const auto floor = at::scalar_tensor(0.1, q_abs.options());
    const auto candidates = by_rijk / (2.0 * at::maximum(q_abs.unsqueeze(-1), floor));

    // Pick the best-conditioned candidate (largest q_abs, first on ties).
    const auto best = q_abs.argmax(-1);
    const auto index = best.unsqueeze(-1).unsqueeze(-1).expand(with_trailing(batch, {1, 4}));
    const auto out = candidates.gather(-2, index).squeeze(-2);
    return at::where(out.narrow(-1, 0, 1) < 0, -out, out);
}

at::Tensor quaternion_to_matrix(const at::Tensor& quaternion) {
    check_trailing(quaternion, {4}, "quaternion_to_matrix");
    const auto q = quaternion.unbind(-1);
    const auto &r = q[0], &i = q[1], &j = q[2], &k = q[3];
    const auto two_s = 2.0 / (quaternion * quaternion).sum(-1);
    const auto o =
        at::stack({1 - two_s * (j * j + k * k), two_s * (i * j - k * r), two_s * (i * k + j * r),
                   two_s * (i * j + k * r), 1 - two_s * (i * i + k * k), two_s * (j * k - i * r),
                   two_s * (i * k - j * r), two_s * (j * k + i * r), 1 - two_s * (i * i + j * j)},
                  -1);
    return o.reshape(with_trailing(quaternion.sizes().slice(0, quaternion.dim() - 1), {3, 3}));
}

at::Tensor quaternion_fix_continuity(const at::Tensor& quaternion) {
    check_trailing(quaternion, {4}, "quaternion_fix_continuity");
    TORCH_CHECK(quaternion.dim() >= 2, "quaternion_fix_continuity: expected (T, ..., 4)");
    if (quaternion.size(0) <= 1) return quaternion.clone();
    const auto steps = quaternion.size(0) - 1;
    const auto dots = (quaternion.narrow(0, 1, steps) * quaternion.narrow(0, 0, steps)).sum(-1);
    const auto flip = at::remainder(at::cumsum((dots < 0).to(at::kInt), 0), 2).to(at::kBool);
    auto result = quaternion.clone();
    auto tail = result.narrow(0, 1, steps);
    tail.copy_(at::where(flip.unsqueeze(-1), -tail, tail));
    return result;
}

at::Tensor matrix_to_axis_angle(const at::Tensor& matrix) {
    check_trailing(matrix, {3, 3}, "matrix_to_axis_angle");
    const auto batch = matrix.sizes().slice(0, matrix.dim() - 2);
    const auto r = matrix.reshape({-1, 3, 3});
    // kornia works on the transpose: rt(i, j) = R(j, i).
    const auto rt = [&](int64_t i, int64_t j) { return at_ij(r, j, i); };

    const auto mask_d2 = rt(2, 2) < 1e-6;
    const auto mask_d0_d1 = rt(0, 0) > rt(1, 1);
    const auto mask_d0_nd1 = rt(0, 0) < -rt(1, 1);

    const auto t0 = ((1 + rt(0, 0)) - rt(1, 1)) - rt(2, 2);
    const auto q0 =
        at::stack({rt(1, 2) - rt(2, 1), t0, rt(0, 1) + rt(1, 0), rt(2, 0) + rt(0, 2)}, -1);
    const auto t1 = ((1 - rt(0, 0)) + rt(1, 1)) - rt(2, 2);
    const auto q1 =
        at::stack({rt(2, 0) - rt(0, 2), rt(0, 1) + rt(1, 0), t1, rt(1, 2) + rt(2, 1)}, -1);
    const auto t2 = ((1 - rt(0, 0)) - rt(1, 1)) + rt(2, 2);
    const auto q2 =
        at::stack({rt(0, 1) - rt(1, 0), rt(2, 0) + rt(0, 2), rt(1, 2) + rt(2, 1), t2}, -1);
    const auto t3 = ((1 + rt(0, 0)) + rt(1, 1)) + rt(2, 2);
    const auto q3 =
        at::stack({t3, rt(1, 2) - rt(2, 1), rt(2, 0) - rt(0, 2), rt(0, 1) - rt(1, 0)}, -1);

    // The reference blends the branches with 0/1 masks; selecting is the same for finite inputs.
    const auto c0 = mask_d2 & mask_d0_d1;
    const auto c1 = mask_d2 & ~mask_d0_d1;
    const auto c2 = ~mask_d2 & mask_d0_nd1;
    const auto q_sel = at::where(
        c0.unsqueeze(-1), q0, at::where(c1.unsqueeze(-1), q1, at::where(c2.unsqueeze(-1), q2, q3)));
    const auto t_sel = at::where(c0, t0, at::where(c1, t1, at::where(c2, t2, t3)));
    const auto q = (q_sel / at::sqrt(t_sel).unsqueeze(-1)) * 0.5;

    // kornia quaternion_to_angle_axis.
    const auto qx = q.select(-1, 1), qy = q.select(-1, 2), qz = q.select(-1, 3);
    const auto cos_theta = q.select(-1, 0);
    const auto sin_sq = (qx * qx + qy * qy) + qz * qz;
    const auto sin_theta = at::sqrt(sin_sq);
    const auto two_theta = 2.0 * at::where(cos_theta < 0.0, at::atan2(-sin_theta, -cos_theta),
                                           at::atan2(sin_theta, cos_theta));
    const auto k = at::where(sin_sq > 0.0, two_theta / sin_theta, at::full_like(sin_theta, 2.0));
    auto aa = at::stack({qx * k, qy * k, qz * k}, -1);
    aa = at::where(at::isnan(aa), at::zeros_like(aa), aa);
    return aa.reshape(with_trailing(batch, {3}));
}

at::Tensor axis_angle_to_matrix(const at::Tensor& axis_angle) {
    check_trailing(axis_angle, {3}, "axis_angle_to_matrix");
    const auto t2 = (axis_angle * axis_angle).sum(-1, /*keepdim=*/true).unsqueeze(-1);
    const auto t = at::sqrt(t2);
    const auto small = t < 1e-4;
    const auto safe_t = at::where(small, at::ones_like(t), t);
    const auto safe_t2 = safe_t * safe_t;
    const auto a = at::where(small, 1.0 - t2 / 6.0, at::sin(safe_t) / safe_t);
    const auto b = at::where(small, 0.5 - t2 / 24.0, (1.0 - at::cos(safe_t)) / safe_t2);

    const auto x = axis_angle.select(-1, 0), y = axis_angle.select(-1, 1),
               z = axis_angle.select(-1, 2);
    const auto zero = at::zeros_like(x);
    const auto batch = axis_angle.sizes().slice(0, axis_angle.dim() - 1);
    const auto kx = at::stack({zero, -z, y, z, zero, -x, -y, x, zero}, -1)
                        .reshape(with_trailing(batch, {3, 3}));
    const auto eye = at::eye(3, axis_angle.options());
    return eye + a * kx + b * at::matmul(kx, kx);
}

}  // namespace kinema
