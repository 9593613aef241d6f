// The arrays of the official NPZ export (body_model.construct_smpl_data_dict as called by
// visualize_mesh_web.save_visualization_data, spec §5.5), one file per sample s with keys in the
// order gender, Rh, trans, poses, betas: gender = ["neutral"] ("<U7"), Rh = rh[s], trans =
// trans[s], poses = poses[s], betas = betas. Writing the .npz is core/export's job.
// Thread safety: pure function.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <string>

#include "core/result.h"

namespace kinema {

// SMPL-H flat-hand mean pose appended after the 22 body joints (body_model.py, 15 joints x 3
// axis-angle values each, radians). Stored as the reference's Python floats; cast to float32 as
// torch.tensor(..., dtype=float32) does.
extern const std::array<double, 45> kLeftHandMeanAxisAngle;
extern const std::array<double, 45> kRightHandMeanAxisAngle;

struct NpzPoseArrays {
    at::Tensor poses;  // (S, L, 156) f32: axis-angle of the 22 joints (kornia path), then the left
                       // and right hand mean poses (45 + 45)
    at::Tensor trans;  // (S, L, 3) f32: the translation given (pass the GROUNDED transl)
    at::Tensor rh;     // (S, L, 3) f32: NPZ key "Rh" = poses[..., :3] (root axis-angle)
    at::Tensor betas;  // (1, 16) f64 zeros, the same in every sample's file
    std::string gender = "neutral";
};

// rot6d (S, L, 22, 6) smoothed rotations, transl (S, L, 3) grounded translation (metres).
// ShapeMismatch on other shapes.
Result<NpzPoseArrays> make_npz_pose(const at::Tensor& rot6d, const at::Tensor& transl);

}  // namespace kinema
