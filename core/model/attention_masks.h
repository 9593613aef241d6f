// The MMDiT's attention masks (spec §2.2, §2.5), built once per run and shared by every block.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kinema {

// Joint [motion ; text] mask (B, 1, Lm+Lt, Lm+Lt), float32 0/-inf:
//  motion->motion: |i-j| <= window (window < 0: no band); key padding on every query row;
//  text queries never see motion keys.
at::Tensor build_joint_attention_mask(const at::Tensor& motion_valid /*(B,Lm) bool*/,
                                      const at::Tensor& text_valid /*(B,Lt) bool*/,
                                      int64_t narrowband_window_frames);

// Token-refiner self-attention mask (B, 1, Lt, Lt), float32 0/-inf: valid_i AND valid_j, with the
// diagonal re-enabled on rows that would otherwise see nothing.
at::Tensor build_refiner_attention_mask(const at::Tensor& text_valid /*(B,Lt) bool*/);

}  // namespace kinema
