// Internal: reading the wooden-boy asset files (raw little-endian arrays, no header) with typed
// size validation. Not part of the public API.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema::motion_detail {

// The whole file. Io if it is missing or unreadable.
Result<std::vector<std::uint8_t>> read_binary_file(const std::filesystem::path& path);

// The file as `count` elements of `elem_bytes` each (count == -1: any whole number of elements,
// at least one). BadModelFile if the size does not fit. The element count is returned through
// `count_out`.
Result<std::vector<std::uint8_t>> read_array_file(const std::filesystem::path& path,
                                                  std::size_t elem_bytes, std::int64_t count,
                                                  std::int64_t& count_out);

}  // namespace kinema::motion_detail
