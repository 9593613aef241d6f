#include "core/motion/npz_pose.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/motion/motion_decoder.h"
#include "core/motion/rotations.h"
#include "core/motion/tensor_checks.h"

namespace kinema {

// clang-format off
const std::array<double, 45> kLeftHandMeanAxisAngle = {
     0.1117,  0.0429, -0.4164,  0.1088, -0.0660, -0.7562, -0.0964, -0.0909, -0.1885,
    -0.1181,  0.0509, -0.5296, -0.1437,  0.0552, -0.7049, -0.0192, -0.0923, -0.3379,
    -0.4570, -0.1963, -0.6255, -0.2147, -0.0660, -0.5069, -0.3697, -0.0603, -0.0795,
    -0.1419, -0.0859, -0.6355, -0.3033, -0.0579, -0.6314, -0.1761, -0.1321, -0.3734,
     0.8510,  0.2769, -0.0915, -0.4998,  0.0266,  0.0529,  0.5356,  0.0460, -0.2774};
const std::array<double, 45> kRightHandMeanAxisAngle = {
     0.1117, -0.0429,  0.4164,  0.1088,  0.0660,  0.7562, -0.0964,  0.0909,  0.1885,
    -0.1181, -0.0509,  0.5296, -0.1437, -0.0552,  0.7049, -0.0192,  0.0923,  0.3379,
    -0.4570,  0.1963,  0.6255, -0.2147,  0.0660,  0.5069, -0.3697,  0.0603,  0.0795,
    -0.1419,  0.0859,  0.6355, -0.3033,  0.0579,  0.6314, -0.1761,  0.1321,  0.3734,
     0.8510, -0.2769,  0.0915, -0.4998, -0.0266, -0.0529,  0.5356, -0.0460,  0.2774};
// clang-format on

Result<NpzPoseArrays> make_npz_pose(const at::Tensor& rot6d, const at::Tensor& transl) {
    std::string problems;
    if (motion_detail::expect_shape(problems, rot6d, "rot6d", {-1, -1, kMotionBodyJoints, 6})) {
        motion_detail::expect_shape(problems, transl, "transl", {rot6d.size(0), rot6d.size(1), 3});
    }
    if (!problems.empty())
        return make_error(ErrorKind::ShapeMismatch, "make_npz_pose: " + problems);

    return motion_detail::guard("make_npz_pose", [&]() -> Result<NpzPoseArrays> {
        const auto r6 = rot6d.to(at::kCPU, at::kFloat);
        const int64_t samples = r6.size(0), frames = r6.size(1);
        const auto body = matrix_to_axis_angle(rot6d_to_matrix(r6))
                              .reshape({samples, frames, kMotionBodyJoints * 3});
        const auto hands_f64 = at::empty({90}, at::kDouble);
        auto* h = hands_f64.data_ptr<double>();
        std::copy(kLeftHandMeanAxisAngle.begin(), kLeftHandMeanAxisAngle.end(), h);
        std::copy(kRightHandMeanAxisAngle.begin(), kRightHandMeanAxisAngle.end(), h + 45);
        const auto hands = hands_f64.to(at::kFloat).expand({samples, frames, 90});

        NpzPoseArrays out;
        out.poses = at::cat({body, hands}, -1);
        out.trans = transl.to(at::kCPU, at::kFloat).clone();
        out.rh = out.poses.narrow(-1, 0, 3).clone();
        out.betas = at::zeros({1, 16}, at::kDouble);
        return out;
    });
}

}  // namespace kinema
