// NPZ in the official HY-Motion schema (spec §5.5, visualize_mesh_web.save_visualization_data):
// a zip of .npy files gender ("<U7", (1,)), Rh (L,3) f4, trans (L,3) f4, poses (L,156) f4,
// betas (1,16) f8, in that order, deflate-compressed as np.savez_compressed writes them. The
// generation settings go to the zip's archive comment (numpy ignores it), so the keys stay exactly
// the official ones. Written with libzip in memory, then atomically.
// Thread safety: pure functions.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/motion/motion_clip.h"
#include "core/result.h"

namespace kinema {

// One .npy file (format 1.0, little-endian, C order) holding a contiguous CPU tensor of dtype
// float32, float64, int64 or int32. Unsupported for other dtypes.
Result<std::string> npy_bytes(const at::Tensor& tensor);
// A numpy unicode array ("<U{n}", shape (count,)) of UTF-8 strings (code points stored UTF-32LE).
std::string npy_unicode_bytes(const std::vector<std::string>& strings);

// The official arrays of one clip: rot6d (L, 22, 6) (or rotations when rot6d is undefined) and
// the grounded transl (L, 3). `comment` becomes the archive comment (truncated to 65535 bytes).
Status write_hymotion_npz(const std::filesystem::path& path, const MotionClip& clip,
                          const std::string& comment = {});

// A zip of named .npy payloads (entry name, bytes), deflated, in memory. Internal building block,
// exposed for tests. Io/Internal on libzip errors.
Result<std::string> npz_archive_bytes(const std::vector<std::pair<std::string, std::string>>& files,
                                      const std::string& comment);

}  // namespace kinema
