// Writes tensors to a .safetensors file the reference implementation (huggingface/safetensors)
// reads: compact JSON header padded with spaces to a multiple of 8 bytes, tensors laid out
// contiguously without gaps, ordered by element size (largest first, so every tensor is aligned
// to its element size) and otherwise in the given order.
//
// Atomic: data goes to `<path>.tmp-XXXXXX` in the same folder, which is fsync-ed and renamed over
// `path`; on any failure the temporary file is removed and `path` is untouched.
// Thread: any; tensors are read, never modified. Peak extra memory: one contiguous CPU copy of a
// single tensor (only for tensors that are not already contiguous CPU tensors).
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kinema {

// InvalidRequest: empty, duplicate, non-UTF-8 or "__metadata__" names, undefined or non-strided
// tensors. Unsupported: a dtype safetensors cannot hold (complex, quantised). Io: the file system
// refused. OutOfMemory: a contiguous copy could not be allocated.
Status write_safetensors(const std::filesystem::path& path,
                         const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace kinema
