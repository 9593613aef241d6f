#include "tests/motion/fixture_tensors.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "core/io/state_dict_loader.h"

namespace kinema::test {

std::map<std::string, at::Tensor> read_safetensors(const std::string& path) {
    auto tensors = load_state_dict(path);
    if (!tensors) throw std::runtime_error(tensors.error().describe());
    std::map<std::string, at::Tensor> out;
    for (auto& [key, t] : *tensors)
        out.emplace(key, t.clone());  // own the data past the mapping
    return out;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    if (!a.sizes().equals(b.sizes())) throw std::runtime_error("max_abs_diff: shape mismatch");
    if (a.numel() == 0) return 0.0;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace kinema::test
