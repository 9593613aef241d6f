// ParameterRegistry: the modules of a model declare their weights here under their checkpoint key
// (e.g. "double_blocks.0.motion_qkv.weight") with the shape the config implies. bind() then fills
// every slot from a state dict at once, reporting ALL missing, unexpected and mis-shaped keys in
// one error. Not thread-safe; used during model construction/loading only.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema {

struct BindOptions {
    at::ScalarType dtype = at::kFloat;  // weights are converted to this dtype
    at::Device device = at::Device(at::kCPU);
    bool allow_unexpected =
        false;  // true: keys under the prefix that no module declares are ignored
};

class ParameterRegistry {
public:
    struct Entry {
        std::string key;
        std::vector<int64_t> shape;
        at::Tensor* slot =
            nullptr;  // owned by the module that declared it; must outlive the registry
    };

    void add(std::string key, std::vector<int64_t> shape, at::Tensor* slot);

    // Binds `tensors[prefix + key]` into every declared slot. Keys outside `prefix` are ignored.
    Status bind(const std::map<std::string, at::Tensor>& tensors, const std::string& prefix,
                const BindOptions& options) const;

    // Fills every slot with deterministic random values (weights ~ N(0, std^2), biases and norm
    // weights near 0 / 1) for benchmarks and shape tests.
    void init_random(uint64_t seed, double weight_std, const BindOptions& options) const;

    const std::vector<Entry>& entries() const { return entries_; }
    int64_t num_parameters() const;

private:
    std::vector<Entry> entries_;
};

}  // namespace kinema
