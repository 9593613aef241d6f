// Writing a whole file atomically: the bytes go to `<path>.tmp-XXXXXX` in the same folder, which
// is fsync-ed and renamed over `path`; on failure the temporary file is removed and `path` is
// untouched. Thread: any (distinct paths).
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace kinema {

// Io when the folder is missing or the file system refuses.
Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace kinema
