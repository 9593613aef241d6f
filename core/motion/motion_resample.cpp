#include "core/motion/motion_resample.h"

#include <algorithm>
#include <cmath>

namespace kinema {

Result<SkeletalAnimation> resample_animation(const SkeletalAnimation& in, double fps_out) {
    KINEMA_TRY_STATUS(in.validate());
    if (!(fps_out > 0 && fps_out <= 1000))
        return make_error(ErrorKind::InvalidRequest, "resample: fps must be in (0, 1000]");
    SkeletalAnimation out = in;
    out.fps = fps_out;
    const int64_t L = in.num_frames();
    const int J = in.num_joints();
    if (L <= 1 || std::abs(fps_out - in.fps) < 1e-9) return out;
    const double duration_s = double(L - 1) / in.fps;
    const auto L_out = static_cast<int64_t>(std::floor(duration_s * fps_out + 1e-6)) + 1;
    out.root_positions_m.assign(static_cast<size_t>(L_out), {});
    out.local_rotations.assign(static_cast<size_t>(L_out * J), kIdentity3);
    for (int64_t k = 0; k < L_out; ++k) {
        const double src = std::min(double(L - 1), double(k) * in.fps / fps_out);
        const auto f0 = std::min<int64_t>(static_cast<int64_t>(std::floor(src)), L - 1);
        const int64_t f1 = std::min<int64_t>(f0 + 1, L - 1);
        const double t = src - double(f0);
        const Vec3& a = in.root_positions_m[static_cast<size_t>(f0)];
        const Vec3& b = in.root_positions_m[static_cast<size_t>(f1)];
        out.root_positions_m[static_cast<size_t>(k)] = a + t * (b - a);
        for (int j = 0; j < J; ++j) {
            if (t < 1e-12) {
                out.rotation(k, j) = in.rotation(f0, j);
            } else {
                const Quat q =
                    quat_slerp(mat_to_quat(in.rotation(f0, j)), mat_to_quat(in.rotation(f1, j)), t);
                out.rotation(k, j) = quat_to_mat(q);
            }
        }
    }
    return out;
}

}  // namespace kinema
