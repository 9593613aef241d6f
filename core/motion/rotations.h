// Rotation conversions of the official HY-Motion code, re-implemented on at::Tensor with the same
// op sequence so that float32 results match the reference to the last bit or so (spec §5.2, §5.4,
// §5.5). Every function takes any number of leading batch dims and keeps the input's dtype and
// device; quaternions are (w, x, y, z).
//
// Contract: these are building blocks behind the Result-returning motion entry points
// (decode_motion, ground_motion, make_npz_pose), which validate shapes first. Called directly with
// a wrong trailing shape they throw c10::Error (a caller bug); callers outside core/motion must
// catch it. Thread safety: pure functions, safe from any thread.
#pragma once

#include <ATen/core/Tensor.h>

namespace kinema {

// rot6d (..., 6) -> rotation matrix (..., 3, 3), HY-Motion layout (NOT PyTorch3D's): the six
// numbers are the 3x2 row-major matrix holding columns 0 and 1 of R, [R00,R01,R10,R11,R20,R21].
// Gram-Schmidt on the columns a1 = (d0,d2,d4), a2 = (d1,d3,d5) with F.normalize (eps 1e-12);
// R = [b1 b2 b1xb2] as columns. Non-orthogonal and scaled inputs are accepted.
at::Tensor rot6d_to_matrix(const at::Tensor& rot6d);

// Rotation matrix (..., 3, 3) -> rot6d (..., 6) = [R00,R01,R10,R11,R20,R21] (exact copy of values).
at::Tensor matrix_to_rot6d(const at::Tensor& matrix);

// Rotation matrix (..., 3, 3) -> unit quaternion (..., 4), PyTorch3D's matrix_to_quaternion: the
// best-conditioned of the four candidates, then standardised to w >= 0 (at w == 0 the sign is the
// algorithm's choice).
at::Tensor matrix_to_quaternion(const at::Tensor& matrix);

// Quaternion (..., 4), not necessarily unit -> rotation matrix (..., 3, 3). PyTorch3D's form with
// s = 2 / |q|^2, so the result is invariant to the quaternion's scale (and sign).
at::Tensor quaternion_to_matrix(const at::Tensor& quaternion);

// Quaternions (T, ..., 4) with time in dim 0 -> the same with signs flipped so that consecutive
// frames have a non-negative dot product (cumulative flips, as the official code). Exact.
at::Tensor quaternion_fix_continuity(const at::Tensor& quaternion);

// Rotation matrix (..., 3, 3) -> axis-angle (..., 3), radians, angle in [0, pi]. The official NPZ
// path (kornia's rotation_matrix_to_angle_axis): matrix -> quaternion with kornia's four branches
// (eps 1e-6 on R22) -> angle-axis; NaNs become 0. Near pi the axis sign is ill-conditioned.
at::Tensor matrix_to_axis_angle(const at::Tensor& matrix);

// Axis-angle (..., 3), radians -> rotation matrix (..., 3, 3) by Rodrigues' formula
// R = I + (sin t / t) K + ((1 - cos t) / t^2) K^2 with K = [v]x, t = |v|, using the Taylor series
// below t = 1e-4 (exact to the dtype's precision; no 1e-8 bias as in the official batch_rodrigues).
at::Tensor axis_angle_to_matrix(const at::Tensor& axis_angle);

}  // namespace kinema
