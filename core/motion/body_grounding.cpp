#include "core/motion/body_grounding.h"

#include <ATen/ATen.h>

#include <string>

#include "core/motion/rotations.h"
#include "core/motion/tensor_checks.h"

namespace kinema {
namespace {

std::string check_motion(const DecodedMotion& motion, const Skeleton& skeleton) {
    std::string problems;
    if (motion_detail::expect_shape(problems, motion.rot6d, "rot6d",
                                    {-1, -1, kMotionBodyJoints, 6})) {
        motion_detail::expect_shape(problems, motion.transl, "transl",
                                    {motion.rot6d.size(0), motion.rot6d.size(1), 3});
    }
    if (skeleton.num_joints() != kSkeletonJoints) {
        problems += std::string(problems.empty() ? "" : "; ") + "skeleton has " +
                    std::to_string(skeleton.num_joints()) + " joints, expected 52";
    }
    return problems;
}

// Posed joints (S, L, 52, 3) of the smoothed rotations, root at J_0 (no translation).
Result<at::Tensor> posed_joints(const DecodedMotion& motion, const Skeleton& skeleton) {
    auto posed =
        forward_kinematics(skeleton, rot6d_to_matrix(motion.rot6d.to(at::kCPU, at::kFloat)));
    if (!posed.ok()) return posed.error();
    return posed->joints;
}

// Fills everything of GroundedMotion from the joints, the translation and frame_min_y (S, L).
GroundedMotion assemble(const at::Tensor& joints, const at::Tensor& transl,
                        const at::Tensor& frame_min_y) {
    GroundedMotion out;
    out.transl_before_ground = transl;
    out.frame_min_y = frame_min_y;
    out.min_y = std::get<0>(frame_min_y.min(1));
    const auto shift = out.min_y.view({-1, 1});
    out.transl = transl.clone();
    out.transl.select(-1, 1).sub_(shift);
    out.keypoints3d = joints.clone();
    out.keypoints3d.select(-1, 1).sub_(shift.unsqueeze(-1));
    out.joints_world = joints + out.transl.unsqueeze(2);
    return out;
}

}  // namespace

Result<GroundedMotion> ground_motion(const DecodedMotion& motion, const WoodenBody& body) {
    if (auto problems = check_motion(motion, body.skeleton()); !problems.empty()) {
        return make_error(ErrorKind::ShapeMismatch, "ground_motion: " + problems);
    }
    return motion_detail::guard("ground_motion", [&]() -> Result<GroundedMotion> {
        const auto transl = motion.transl.to(at::kCPU, at::kFloat);
        const int64_t samples = transl.size(0), frames = transl.size(1);
        auto joints = posed_joints(motion, body.skeleton());
        if (!joints.ok()) return joints.error();
        const auto rotations = rot6d_to_matrix(motion.rot6d.to(at::kCPU, at::kFloat));
        auto frame_min =
            body.frame_min_y(rotations.reshape({samples * frames, kMotionBodyJoints, 3, 3}),
                             transl.reshape({samples * frames, 3}));
        if (!frame_min.ok()) return frame_min.error();
        return assemble(*joints, transl, frame_min->view({samples, frames}));
    });
}

Result<GroundedMotion> ground_motion_skeleton_only(const DecodedMotion& motion,
                                                   const Skeleton& skeleton, float sole_offset_m) {
    if (auto problems = check_motion(motion, skeleton); !problems.empty()) {
        return make_error(ErrorKind::ShapeMismatch, "ground_motion_skeleton_only: " + problems);
    }
    return motion_detail::guard("ground_motion_skeleton_only", [&]() -> Result<GroundedMotion> {
        const auto transl = motion.transl.to(at::kCPU, at::kFloat);
        auto joints = posed_joints(motion, skeleton);
        if (!joints.ok()) return joints.error();
        const auto world_y = joints->select(-1, 1) + transl.select(-1, 1).unsqueeze(-1);
        const auto frame_min = std::get<0>(world_y.min(-1)) - sole_offset_m;
        return assemble(*joints, transl, frame_min);
    });
}

}  // namespace kinema
