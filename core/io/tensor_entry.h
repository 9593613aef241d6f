// TensorEntry: what a model file says about one tensor, without reading its data. Shared by the
// safetensors reader, the checkpoint reader, list_tensors() and `kinema-cli inspect`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kinema {

struct TensorEntry {
    std::string name;            // the key, verbatim (prefix included)
    std::string dtype;           // safetensors spelling: "F32", "F16", "BF16", "I64", "BOOL", ...
    std::vector<int64_t> shape;  // empty for a 0-d tensor
    std::uint64_t nbytes = 0;  // numel() * element size: the tensor's own bytes, not its storage's

    int64_t numel() const {
        int64_t n = 1;
        for (const int64_t d : shape)
            n *= d;
        return n;
    }
};

}  // namespace kinema
