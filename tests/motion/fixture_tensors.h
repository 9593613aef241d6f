// Test-only safetensors reader for the golden fixtures (to be replaced by core/io's
// load_state_dict). Supports F32, F64, F16, I64, I32, U8 and BOOL.
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
