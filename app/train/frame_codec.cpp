#include "app/train/frame_codec.h"

#include <ATen/ATen.h>

#include "core/motion/rotations.h"
#include "core/motion/skeleton.h"

namespace kinema::train {
namespace {

const Skeleton& body_skeleton() {
    static const Skeleton sk = [] {
        const Skeleton& full = Skeleton::builtin();
        Skeleton s;
        s.names.assign(full.names.begin(), full.names.begin() + kBodyJoints);
        s.parents.assign(full.parents.begin(), full.parents.begin() + kBodyJoints);
        s.rest_joints_m = full.rest_joints_m.slice(0, 0, kBodyJoints).clone();
        return s;
    }();
    return sk;
}

at::Tensor vec_tensor(const std::vector<Vec3>& v, int64_t rows, int64_t cols) {
    at::Tensor out = at::empty({rows, cols, 3}, at::kDouble);
    double* p = out.data_ptr<double>();
    for (size_t i = 0; i < v.size(); ++i) {
        p[3 * i] = v[i].x;
        p[3 * i + 1] = v[i].y;
        p[3 * i + 2] = v[i].z;
    }
    return out.to(at::kFloat);
}

}  // namespace

at::Tensor encode_frames(const SynthClip& clip) {
    const int64_t n = clip.frames;
    at::Tensor rot = at::empty({n, kBodyJoints, 3, 3}, at::kDouble);
    double* r = rot.data_ptr<double>();
    for (size_t i = 0; i < clip.rotations.size(); ++i)
        for (size_t k = 0; k < 9; ++k)
            r[9 * i + k] = clip.rotations[i].m[k];
    const at::Tensor rot6d = matrix_to_rot6d(rot.to(at::kFloat)).reshape({n, kBodyJoints * 6});
    at::Tensor transl = vec_tensor(clip.transl, n, 1).reshape({n, 3});
    at::Tensor pos = vec_tensor(clip.body_joints, n, kBodyJoints).reshape({n, kBodyJoints * 3});
    return at::cat({transl, rot6d, pos}, 1).contiguous();
}

at::Tensor world_joints_from_frames(const at::Tensor& frames) {
    const at::Tensor f = frames.to(at::kFloat);
    const int64_t n = f.size(0);
    const at::Tensor rot =
        rot6d_to_matrix(f.slice(1, 3, 3 + kBodyJoints * 6).reshape({n, kBodyJoints, 6}));
    auto posed = forward_kinematics(body_skeleton(), rot);
    TORCH_CHECK(posed.ok(), "forward kinematics failed");
    return posed->joints + f.slice(1, 0, 3).unsqueeze(1);
}

at::Tensor world_joints_tensor(const SynthClip& clip) {
    return vec_tensor(clip.world_joints, clip.frames, kBodyJoints);
}

}  // namespace kinema::train
