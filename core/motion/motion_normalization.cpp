#include "core/motion/motion_normalization.h"

#include <ATen/ATen.h>

namespace kinema {

at::Tensor denormalize(const at::Tensor& latent, const at::Tensor& mean, const at::Tensor& std) {
    const auto opts = latent.options();
    const auto s = std.to(opts);
    const auto m = mean.to(opts);
    const auto s_kept = at::where(s < kMotionStdFloor, at::zeros_like(s), s);
    return latent * s_kept + m;
}

}  // namespace kinema
