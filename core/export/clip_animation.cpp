#include "core/export/clip_animation.h"

#include <ATen/ATen.h>

#include "core/motion/rotations.h"
#include "core/motion/tensor_checks.h"

namespace kinema {

Result<SkeletalAnimation> animation_from_clip(const MotionClip& clip, int joints,
                                              const Skeleton& skeleton) {
    if (joints != 22 && joints != 52)
        return make_error(ErrorKind::InvalidRequest,
                          "export joints must be 22 or 52, got " + std::to_string(joints));
    if (skeleton.num_joints() < joints)
        return make_error(ErrorKind::ShapeMismatch, "skeleton has too few joints");
    std::string problems;
    motion_detail::expect_shape(problems, clip.transl, "transl", {-1, 3});
    const int64_t L = clip.transl.defined() && clip.transl.dim() == 2 ? clip.transl.size(0) : -1;
    const bool use_matrices = clip.rotations.defined();
    if (use_matrices)
        motion_detail::expect_shape(problems, clip.rotations, "rotations", {L, 22, 3, 3});
    else
        motion_detail::expect_shape(problems, clip.rot6d, "rot6d", {L, 22, 6});
    if (!problems.empty()) return make_error(ErrorKind::ShapeMismatch, "motion clip: " + problems);

    return motion_detail::guard("animation_from_clip", [&]() -> Result<SkeletalAnimation> {
        const auto rot = (use_matrices ? clip.rotations : rot6d_to_matrix(clip.rot6d))
                             .to(at::kCPU, at::kDouble)
                             .contiguous();
        const auto transl = clip.transl.to(at::kCPU, at::kDouble).contiguous();
        const auto rest = skeleton.rest_joints_m.to(at::kDouble).contiguous();
        const double* r = rot.data_ptr<double>();
        const double* t = transl.data_ptr<double>();
        const double* rj = rest.data_ptr<double>();

        SkeletalAnimation a;
        a.fps = clip.fps;
        for (int j = 0; j < joints; ++j) {
            a.names.push_back(skeleton.names[j]);
            const int p = static_cast<int>(skeleton.parents[j]);
            a.parents.push_back(p);
            Vec3 off = {rj[3 * j], rj[3 * j + 1], rj[3 * j + 2]};
            if (p >= 0) off = off - Vec3{rj[3 * p], rj[3 * p + 1], rj[3 * p + 2]};
            a.offsets_m.push_back(off);
        }
        a.end_sites_m.assign(static_cast<size_t>(joints), std::nullopt);
        a.root_positions_m.resize(static_cast<size_t>(L));
        a.local_rotations.assign(static_cast<size_t>(L * joints), kIdentity3);
        for (int64_t f = 0; f < L; ++f) {
            a.root_positions_m[f] =
                Vec3{rj[0], rj[1], rj[2]} + Vec3{t[3 * f], t[3 * f + 1], t[3 * f + 2]};
            for (int j = 0; j < 22; ++j) {
                Mat3& m = a.rotation(f, j);
                std::copy(r + (f * 22 + j) * 9, r + (f * 22 + j) * 9 + 9, m.begin());
            }
        }
        KINEMA_TRY_STATUS(a.validate());
        return a;
    });
}

Result<MotionClip> clip_from_animation(const SkeletalAnimation& a, int64_t seed,
                                       const Skeleton& skeleton) {
    KINEMA_TRY_STATUS(a.validate());
    std::vector<int> source(22);
    for (int j = 0; j < 22; ++j) {
        source[j] = find_joint(a, skeleton.names[j]);
        if (source[j] < 0)
            return make_error(ErrorKind::InvalidRequest,
                              "clip_from_animation: no joint named " + skeleton.names[j]);
    }
    return motion_detail::guard("clip_from_animation", [&]() -> Result<MotionClip> {
        const int64_t L = a.num_frames();
        const auto rest = skeleton.rest_joints_m.to(at::kDouble).contiguous();
        const double* rj = rest.data_ptr<double>();
        MotionClip clip;
        clip.seed = seed;
        clip.fps = a.fps;
        clip.rotations = at::empty({L, 22, 3, 3}, at::kFloat);
        clip.transl = at::empty({L, 3}, at::kFloat);
        float* r = clip.rotations.data_ptr<float>();
        float* t = clip.transl.data_ptr<float>();
        for (int64_t f = 0; f < L; ++f) {
            for (int j = 0; j < 22; ++j)
                for (int k = 0; k < 9; ++k)
                    r[(f * 22 + j) * 9 + k] = static_cast<float>(a.rotation(f, source[j])[k]);
            for (int k = 0; k < 3; ++k)
                t[f * 3 + k] = static_cast<float>(a.root_positions_m[f][k] - rj[k]);
        }
        clip.rot6d = matrix_to_rot6d(clip.rotations).contiguous();
        auto full = animation_from_clip(clip, 52, skeleton);
        if (!full.ok()) return full.error();
        const auto world = full->world_positions();
        clip.joints = at::empty({L, 52, 3}, at::kFloat);
        float* p = clip.joints.data_ptr<float>();
        for (size_t i = 0; i < world.size(); ++i)
            for (int k = 0; k < 3; ++k)
                p[3 * i + k] = static_cast<float>(world[i][k]);
        return clip;
    });
}

}  // namespace kinema
