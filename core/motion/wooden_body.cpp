#include "core/motion/wooden_body.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "core/motion/asset_files.h"
#include "core/motion/tensor_checks.h"

namespace kinema {
namespace {

Error bad_file(const std::string& message) {
    return make_error(ErrorKind::BadModelFile, message);
}

// Validates rotations (N, 22|J, 3, 3) and transl (N, 3) into `problems`.
void check_pose_inputs(std::string& problems, const at::Tensor& rotations, const at::Tensor& transl,
                       int64_t joints) {
    const bool rot_ok = rotations.defined() && rotations.dim() == 4 &&
                        at::isFloatingType(rotations.scalar_type()) &&
                        (rotations.size(1) == 22 || rotations.size(1) == joints) &&
                        rotations.size(2) == 3 && rotations.size(3) == 3;
    if (!rot_ok) {
        problems += "rotations: expected floating (N, 22 or " + std::to_string(joints) +
                    ", 3, 3), got " + motion_detail::describe_tensor(rotations);
        return;
    }
    motion_detail::expect_shape(problems, transl, "transl", {rotations.size(0), 3});
}

// Skins one frame. m: (J, 4, 4) skinning matrices; writes rows [row_begin, row_end) of the posed
// vertex (plus transl) through emit(v, row, value). Mirrors the reference's float32 arithmetic:
// blended matrix = sum_k w_k M_{i_k}, then row . (x, y, z, 1), then + transl.
template <typename Emit>
void skin_frame(const float* m, const float* verts, const float* weights, const int32_t* indices,
                int64_t num_verts, int row_begin, int row_end, const float* transl, Emit&& emit) {
    for (int64_t v = 0; v < num_verts; ++v) {
        const float* w = weights + 4 * v;
        const int32_t* idx = indices + 4 * v;
        const float* p = verts + 3 * v;
        for (int row = row_begin; row < row_end; ++row) {
            float blended[4];
            for (int d = 0; d < 4; ++d) {
                float acc = w[0] * m[idx[0] * 16 + row * 4 + d];
                for (int k = 1; k < 4; ++k)
                    acc += w[k] * m[idx[k] * 16 + row * 4 + d];
                blended[d] = acc;
            }
            float value = blended[0] * p[0];
            value += blended[1] * p[1];
            value += blended[2] * p[2];
            value += blended[3];
            emit(v, row, value + transl[row]);
        }
    }
}

}  // namespace

Result<WoodenBody> WoodenBody::load(const std::filesystem::path& folder) {
    auto skeleton = Skeleton::load(folder);
    if (!skeleton.ok()) return skeleton.error();
    const int64_t joints = skeleton->num_joints();

    int64_t verts = 0, n = 0;
    auto v_template = motion_detail::read_array_file(folder / "v_template.bin", 12, -1, verts);
    if (!v_template.ok()) return v_template.error();
    // Per-vertex files must agree with v_template.bin's vertex count.
    const auto per_vertex = [&](const Error& e) {
        return make_error(e.kind, e.message + " for the " + std::to_string(verts) +
                                      " vertices of v_template.bin");
    };
    auto weights = motion_detail::read_array_file(folder / "skinWeights.bin", 16, verts, n);
    if (!weights.ok()) return per_vertex(weights.error());
    auto indices = motion_detail::read_array_file(folder / "skinIndice.bin", 8, verts, n);
    if (!indices.ok()) return per_vertex(indices.error());

    return motion_detail::guard("WoodenBody::load", [&]() -> Result<WoodenBody> {
        WoodenBody body;
        body.skeleton_ = std::move(*skeleton);
        body.rest_vertices_m_ = at::empty({verts, 3}, at::kFloat);
        std::memcpy(body.rest_vertices_m_.data_ptr<float>(), v_template->data(),
                    v_template->size());
        body.skin_weights_ = at::empty({verts, 4}, at::kFloat);
        std::memcpy(body.skin_weights_.data_ptr<float>(), weights->data(), weights->size());
        if (!at::isfinite(body.rest_vertices_m_).all().item<bool>() ||
            !at::isfinite(body.skin_weights_).all().item<bool>()) {
            return bad_file("v_template.bin or skinWeights.bin holds non-finite values (" +
                            folder.string() + ")");
        }
        auto idx16 = at::empty({verts, 4}, at::kShort);
        std::memcpy(idx16.data_ptr<int16_t>(), indices->data(), indices->size());
        // uint16 on disk: reinterpret the int16 bits.
        body.skin_indices_i32_ = idx16.to(at::kInt).bitwise_and(0xFFFF).contiguous();
        const auto max_index = body.skin_indices_i32_.max().item<int64_t>();
        if (max_index >= joints) {
            return bad_file("skinIndice.bin references joint " + std::to_string(max_index) +
                            " of " + std::to_string(joints));
        }
        body.skin_indices_ = body.skin_indices_i32_.to(at::kLong);

        std::error_code ec;
        if (std::filesystem::exists(folder / "faces.bin", ec)) {
            int64_t corners = 0;
            auto faces = motion_detail::read_array_file(folder / "faces.bin", 6, -1, corners);
            if (!faces.ok()) return faces.error();
            auto f16 = at::empty({corners, 3}, at::kShort);
            std::memcpy(f16.data_ptr<int16_t>(), faces->data(), faces->size());
            body.faces_ = f16.to(at::kLong).bitwise_and(0xFFFF);
            if (body.faces_.max().item<int64_t>() >= verts) {
                return bad_file("faces.bin references a vertex >= " + std::to_string(verts));
            }
        }
        return body;
    });
}

at::Tensor WoodenBody::skinning_transforms(const at::Tensor& rotations) const {
    auto posed = forward_kinematics(skeleton_, rotations.to(at::kCPU, at::kFloat));
    TORCH_CHECK(posed.ok(), posed.ok() ? "" : posed.error().message);
    const auto& t = posed->transforms;  // (N, J, 4, 4)
    const auto joints_homo = at::constant_pad_nd(skeleton_.rest_joints_m, {0, 1}, 0.0);
    const auto rest_moved = at::einsum("bjcd,jd->bjc", {t.narrow(-2, 0, 3), joints_homo});
    auto rel = t.clone();
    rel.narrow(-2, 0, 3).select(-1, 3).copy_(t.narrow(-2, 0, 3).select(-1, 3) - rest_moved);
    return rel.contiguous();
}

Result<at::Tensor> WoodenBody::posed_vertices(const at::Tensor& rotations,
                                              const at::Tensor& transl) const {
    std::string problems;
    check_pose_inputs(problems, rotations, transl, skeleton_.num_joints());
    if (!problems.empty())
        return make_error(ErrorKind::ShapeMismatch, "posed_vertices: " + problems);
    return motion_detail::guard("posed_vertices", [&]() -> Result<at::Tensor> {
        const auto m = skinning_transforms(rotations);
        const auto tr = transl.to(at::kCPU, at::kFloat).contiguous();
        const int64_t frames = m.size(0), verts = num_vertices(), joints = m.size(1);
        auto out = at::empty({frames, verts, 3}, at::kFloat);
        float* dst = out.data_ptr<float>();
        at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
            for (int64_t f = begin; f < end; ++f) {
                float* frame_out = dst + f * verts * 3;
                skin_frame(
                    m.data_ptr<float>() + f * joints * 16, rest_vertices_m_.data_ptr<float>(),
                    skin_weights_.data_ptr<float>(), skin_indices_i32_.data_ptr<int32_t>(), verts,
                    0, 3, tr.data_ptr<float>() + f * 3,
                    [&](int64_t v, int row, float value) { frame_out[v * 3 + row] = value; });
            }
        });
        return out;
    });
}

Result<at::Tensor> WoodenBody::frame_min_y(const at::Tensor& rotations,
                                           const at::Tensor& transl) const {
    std::string problems;
    check_pose_inputs(problems, rotations, transl, skeleton_.num_joints());
    if (!problems.empty()) return make_error(ErrorKind::ShapeMismatch, "frame_min_y: " + problems);
    return motion_detail::guard("frame_min_y", [&]() -> Result<at::Tensor> {
        const auto m = skinning_transforms(rotations);
        const auto tr = transl.to(at::kCPU, at::kFloat).contiguous();
        const int64_t frames = m.size(0), verts = num_vertices(), joints = m.size(1);
        auto out = at::empty({frames}, at::kFloat);
        float* dst = out.data_ptr<float>();
        at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
            for (int64_t f = begin; f < end; ++f) {
                float lowest = std::numeric_limits<float>::infinity();
                skin_frame(m.data_ptr<float>() + f * joints * 16,
                           rest_vertices_m_.data_ptr<float>(), skin_weights_.data_ptr<float>(),
                           skin_indices_i32_.data_ptr<int32_t>(), verts, 1, 2,
                           tr.data_ptr<float>() + f * 3,
                           [&](int64_t, int, float value) { lowest = std::min(lowest, value); });
                dst[f] = lowest;
            }
        });
        return out;
    });
}

}  // namespace kinema
