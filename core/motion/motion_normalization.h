// The 201-d motion latent's normalisation (spec §5.1): latent_denorm = latent * std' + mean with
// std' = 0 where std < 1e-3 (those dims collapse to the mean). Thread safety: pure function.
#pragma once

#include <ATen/core/Tensor.h>

namespace kinema {

// Dims whose std is below this are zeroed (std == float32(1e-3) is kept, as in the reference).
inline constexpr double kMotionStdFloor = 1e-3;

// latent (..., D), mean (D,), std (D,) -> (..., D) in latent's dtype, computed as
// latent * where(std < 1e-3, 0, std) + mean (multiply, then add, as the reference). mean/std are
// cast to latent's dtype and device. Throws c10::Error if the shapes do not broadcast (caller bug).
at::Tensor denormalize(const at::Tensor& latent, const at::Tensor& mean, const at::Tensor& std);

}  // namespace kinema
