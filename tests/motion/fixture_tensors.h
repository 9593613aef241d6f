// The golden fixtures as owning tensors (core/io's load_state_dict, cloned), for tests that want
// exceptions rather than Result.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace kinema::test {

// All tensors of a .safetensors file (CPU, owning). Throws std::runtime_error on a bad file.
std::map<std::string, at::Tensor> read_safetensors(const std::string& path);

// max |a - b| in float64 (shapes must match; throws otherwise).
double max_abs_diff(const at::Tensor& a, const at::Tensor& b);

}  // namespace kinema::test
