#include "core/motion/motion_decoder.h"

#include <ATen/ATen.h>

#include <string>

#include "core/motion/quaternion_smoothing.h"
#include "core/motion/rotations.h"
#include "core/motion/savgol_filter.h"
#include "core/motion/tensor_checks.h"

namespace kinema {

Result<DecodedMotion> decode_motion(const at::Tensor& latent_denorm) {
    std::string problems;
    if (!motion_detail::expect_shape(problems, latent_denorm, "latent_denorm",
                                     {-1, -1, kMotionLatentDim})) {
        return make_error(ErrorKind::ShapeMismatch, "decode_motion: " + problems);
    }
    if (latent_denorm.size(1) < kMinDecodeFrames) {
        return make_error(ErrorKind::InvalidRequest,
                          "decode_motion: " + std::to_string(latent_denorm.size(1)) +
                              " frames; at least " + std::to_string(kMinDecodeFrames) +
                              " are needed");
    }
    return motion_detail::guard("decode_motion", [&]() -> Result<DecodedMotion> {
        const auto x = latent_denorm.to(at::kCPU, at::kFloat);
        const int64_t samples = x.size(0), frames = x.size(1);
        const auto transl = x.narrow(-1, 0, 3);
        const auto root = x.narrow(-1, 3, 6).reshape({samples, frames, 1, 6});
        const auto body = x.narrow(-1, 9, (kMotionBodyJoints - 1) * 6)
                              .reshape({samples, frames, kMotionBodyJoints - 1, 6});
        DecodedMotion out;
        out.rot6d = smooth_rot6d(at::cat({root, body}, 2), 1.0);
        out.root_rotations_mat = rot6d_to_matrix(out.rot6d.select(2, 0));
        out.transl = savgol_filter(transl, 11, 5);
        return out;
    });
}

}  // namespace kinema
