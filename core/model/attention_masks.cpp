#include "core/model/attention_masks.h"

#include <ATen/ATen.h>

#include <limits>

namespace kinema {
namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

at::Tensor additive(const at::Tensor& allowed) {
    return at::where(allowed, at::zeros({}, allowed.options().dtype(at::kFloat)),
                     at::full({}, kNegInf, allowed.options().dtype(at::kFloat)));
}
}  // namespace

at::Tensor build_joint_attention_mask(const at::Tensor& motion_valid, const at::Tensor& text_valid,
                                      int64_t narrowband_window_frames) {
    const int64_t batch = motion_valid.size(0);
    const int64_t lm = motion_valid.size(1);
    const int64_t lt = text_valid.size(1);
    const int64_t total = lm + lt;
    const auto fopts = motion_valid.options().dtype(at::kFloat);
    at::Tensor base = at::zeros({batch, 1, total, total}, fopts);
    if (narrowband_window_frames >= 0) {
        const at::Tensor idx = at::arange(lm, motion_valid.options().dtype(at::kLong));
        const at::Tensor band =
            (idx.unsqueeze(0) - idx.unsqueeze(1)).abs() <= narrowband_window_frames;
        base.slice(2, 0, lm).slice(3, 0, lm).add_(additive(band).view({1, 1, lm, lm}));
    }
    const at::Tensor key_padding = additive(at::cat({motion_valid, text_valid}, 1));
    base = base + key_padding.view({batch, 1, 1, total});
    base.slice(2, lm, total).slice(3, 0, lm).fill_(kNegInf);
    return base;
}

at::Tensor build_refiner_attention_mask(const at::Tensor& text_valid) {
    const int64_t batch = text_valid.size(0);
    const int64_t lt = text_valid.size(1);
    const at::Tensor row = text_valid.view({batch, 1, 1, lt}).expand({batch, 1, lt, lt});
    at::Tensor allowed = row & row.transpose(2, 3);
    const at::Tensor diag = at::eye(lt, text_valid.options().dtype(at::kBool)).view({1, 1, lt, lt});
    const at::Tensor all_false = (~allowed.any(-1)).unsqueeze(-1).expand_as(allowed);
    allowed = at::where(all_false, diag.expand_as(allowed), allowed);
    return additive(allowed);
}

}  // namespace kinema
