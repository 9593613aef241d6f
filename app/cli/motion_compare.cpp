#include "app/cli/motion_compare.h"

#include <ATen/ATen.h>

#include <cmath>

namespace kinema::cli {

MotionDeviation compare_motion(const MotionClip& a, const MotionClip& ref) {
    MotionDeviation d;
    const at::Tensor ja = a.joints.slice(1, 0, 22).to(at::kDouble);
    const at::Tensor jr = ref.joints.slice(1, 0, 22).to(at::kDouble);
    d.mpjpe_mm = 1000.0 * (ja - jr).norm(2, -1).mean().item<double>();
    const at::Tensor root = (ja.select(1, 0) - jr.select(1, 0)).norm(2, -1);
    d.root_drift_mean_mm = 1000.0 * root.mean().item<double>();
    d.root_drift_final_mm = 1000.0 * root[-1].item<double>();
    // |R - R_ref|_F = 2 sqrt(2) sin(theta / 2): well conditioned for small angles (acos of the
    // trace is not).
    const at::Tensor diff =
        (a.rotations.to(at::kDouble) - ref.rotations.to(at::kDouble)).flatten(-2).norm(2, -1);
    const at::Tensor angle = 2.0 * at::asin((diff / (2.0 * std::sqrt(2.0))).clamp(0.0, 1.0));
    d.max_angle_deg = angle.max().item<double>() * 180.0 / M_PI;
    return d;
}

}  // namespace kinema::cli
