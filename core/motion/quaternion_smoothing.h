// The official rotation smoother of _decode_o6dp (MotionGeneration.smooth_with_slerp, spec §5.4.1).
// Despite its name it is a Gaussian-weighted Markley quaternion average over a sliding window:
//   rot6d -> R -> quaternion (PyTorch3D, w >= 0) -> sign continuity over time ->
//   per joint and frame: window of 2r+1 frames (r = int(4 sigma + 0.5), edge replication) ->
//   A = sum_k w_k q_k q_k^T / sum_k w_k -> eigenvector of the largest eigenvalue (float64) ->
//   quaternion -> R -> rot6d.
// The reference's per-window sign alignment and its "q[0] < 0 -> -q" step do not change q q^T, so
// they are omitted. A is accumulated as the reference does: float32 products q_a*q_b, times the
// float32-cast weight, summed in float64. Thread safety: pure functions.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace kinema {

// scipy's gaussian_kernel1d(sigma, order=0, radius=int(4 sigma + 0.5)) in float64, reversed as the
// reference uses it (it is symmetric). sigma = 1 gives 9 weights, the centre one 0.398942...
// Precondition: 0 < sigma <= 30.
std::vector<double> gaussian_smoothing_weights(double sigma);

// The quaternions the averaging sees: matrix_to_quaternion(rot6d_to_matrix(rot6d)) with sign
// continuity fixed along time. rot6d (S, L, J, 6) -> (S, L, J, 4), rot6d's dtype.
at::Tensor smoothing_input_quaternions(const at::Tensor& rot6d);

// The averaging step alone. quat_continuous (S, L, J, 4), float32 (other floating dtypes are cast),
// time in dim 1 -> (S, L, J, 4) float32 unit quaternions; their sign is arbitrary (compare
// rotations, not quaternions). sigma <= 0 returns the input cast to float32.
at::Tensor markley_smooth_quaternions(const at::Tensor& quat_continuous, double sigma = 1.0);

// smooth_with_slerp: rot6d (S, L, J, 6) -> smoothed rot6d (S, L, J, 6), float32, CPU.
at::Tensor smooth_rot6d(const at::Tensor& rot6d, double sigma = 1.0);

}  // namespace kinema
