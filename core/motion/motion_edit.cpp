#include "core/motion/motion_edit.h"

#include <cmath>

namespace kinema {

Result<SkeletalAnimation> trim_animation(const SkeletalAnimation& in, int64_t first,
                                         int64_t count) {
    KINEMA_TRY_STATUS(in.validate());
    if (first < 0 || count < 1 || first + count > in.num_frames())
        return make_error(ErrorKind::InvalidRequest, "trim: frames [" + std::to_string(first) +
                                                         ", " + std::to_string(first + count) +
                                                         ") outside [0, " +
                                                         std::to_string(in.num_frames()) + ")");
    SkeletalAnimation out = in;
    const int J = in.num_joints();
    out.root_positions_m.assign(in.root_positions_m.begin() + first,
                                in.root_positions_m.begin() + first + count);
    out.local_rotations.assign(in.local_rotations.begin() + first * J,
                               in.local_rotations.begin() + (first + count) * J);
    return out;
}

double root_heading_rad(const SkeletalAnimation& a, int64_t frame) {
    const Vec3 forward = mat_vec(a.rotation(frame, 0), {0, 0, 1});
    return std::atan2(forward[0], forward[2]);
}

Result<SkeletalAnimation> make_in_place(const SkeletalAnimation& in, const InPlaceOptions& o) {
    KINEMA_TRY_STATUS(in.validate());
    SkeletalAnimation out = in;
    if (in.num_frames() == 0) return out;
    const Vec3 start = in.root_positions_m[0];
    const double heading0 = root_heading_rad(in, 0);
    const bool lock[3] = {o.lock_x, o.lock_y, o.lock_z};
    for (int64_t f = 0; f < in.num_frames(); ++f) {
        Vec3& p = out.root_positions_m[static_cast<size_t>(f)];
        for (int k = 0; k < 3; ++k)
            if (lock[k]) p[k] = start[k];
        if (!o.keep_heading) {
            const double delta = root_heading_rad(in, f) - heading0;
            out.rotation(f, 0) = mat_mul(axis_rotation(1, -delta), in.rotation(f, 0));
        }
    }
    return out;
}

Result<SkeletalAnimation> blend_loop(const SkeletalAnimation& in, const LoopBlendOptions& o) {
    KINEMA_TRY_STATUS(in.validate());
    const int64_t L = in.num_frames();
    if (o.blend_frames < 1 || o.blend_frames > L - 1)
        return make_error(ErrorKind::InvalidRequest,
                          "loop blend: blend_frames must be in [1, " + std::to_string(L - 1) + "]");
    SkeletalAnimation out = in;
    const int J = in.num_joints();
    const int64_t last = L - 1, begin = L - o.blend_frames;
    std::vector<Quat> correction(static_cast<size_t>(J));
    for (int j = 0; j < J; ++j)
        correction[j] = mat_to_quat(mat_mul(in.rotation(0, j), transpose(in.rotation(last, j))));
    const Vec3 root_delta = in.root_positions_m[0] - in.root_positions_m[last];
    for (int64_t f = begin; f <= last; ++f) {
        const double t = double(f - begin + 1) / double(o.blend_frames);
        const double w = t * t * (3 - 2 * t);  // smoothstep, 1 on the last frame
        for (int j = 0; j < J; ++j) {
            const Mat3 partial = quat_to_mat(quat_slerp({1, 0, 0, 0}, correction[j], w));
            out.rotation(f, j) = mat_mul(partial, in.rotation(f, j));
        }
        Vec3& p = out.root_positions_m[static_cast<size_t>(f)];
        p[1] += w * root_delta[1];
        if (o.blend_root_horizontal) {
            p[0] += w * root_delta[0];
            p[2] += w * root_delta[2];
        }
    }
    return out;
}

}  // namespace kinema
