#include "core/sampling/seeded_noise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace kinema {

at::Tensor seeded_noise(const std::vector<int64_t>& seeds, int64_t frames, int64_t dim) {
    std::vector<at::Tensor> parts;
    parts.reserve(seeds.size());
    for (const int64_t seed : seeds) {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed));
        parts.push_back(at::randn({1, frames, dim}, gen, at::TensorOptions().dtype(at::kFloat)));
    }
    return at::cat(parts, 0);
}

}  // namespace kinema
