// Initial noise exactly as the official pipeline draws it on the CPU: per seed,
// randn((1, frames, dim)) from a generator seeded with the seed (MT19937, PyTorch's CPU
// normal kernel), concatenated along the batch. Any thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kinema {

at::Tensor seeded_noise(const std::vector<int64_t>& seeds, int64_t frames, int64_t dim);

}  // namespace kinema
