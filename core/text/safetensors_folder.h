// SafetensorsFolder: the weights of a Hugging Face model folder, opened read-only and mmapped:
// `model.safetensors.index.json` + its shards when present, else `model.safetensors`, else the
// folder's single `*.safetensors` file. Tensors are zero-copy views of the mapping (read-only;
// clone before writing). Immutable after open(); copies share the mapping; thread-safe.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/tensor_entry.h"
#include "core/result.h"

namespace kinema::text {

class SafetensorsFolder {
public:
    // Io: no weights file in `dir` (or it cannot be read). BadModelFile: malformed files.
    static Result<SafetensorsFolder> open(const std::filesystem::path& dir);

    const TensorEntry* find(std::string_view name) const;
    Result<at::Tensor> tensor(std::string_view name) const;

    // Checks that every (name, shape) exists with that shape and a floating dtype; the error lists
    // every missing or mis-shaped tensor (BadModelFile).
    Status check(const std::vector<std::pair<std::string, std::vector<int64_t>>>& expected) const;

    // The weight files (relative names and byte sizes): identifies the weights for cache keys
    // without reading them.
    std::string fingerprint() const;
    std::vector<std::filesystem::path> files() const;

private:
    struct State;
    std::shared_ptr<const State> state_;
};

// "[a, b, c]"
std::string shape_string(const std::vector<int64_t>& shape);

// The weight files of `dir` as SafetensorsFolder::open would pick them, with their byte sizes, as
// "name:size;..."; "missing" when there are none. Reads no tensor data.
std::string weight_files_fingerprint(const std::filesystem::path& dir);

}  // namespace kinema::text
