#include "core/motion/asset_files.h"

#include <fstream>
#include <iterator>
#include <system_error>

namespace kinema::motion_detail {

Result<std::vector<std::uint8_t>> read_binary_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return make_error(ErrorKind::Io, "missing file " + path.string());
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + path.string());
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    if (in.bad()) return make_error(ErrorKind::Io, "cannot read " + path.string());
    return bytes;
}

Result<std::vector<std::uint8_t>> read_array_file(const std::filesystem::path& path,
                                                  std::size_t elem_bytes, std::int64_t count,
                                                  std::int64_t& count_out) {
    auto bytes = read_binary_file(path);
    if (!bytes.ok()) return bytes.error();
    const std::size_t size = bytes->size();
    const bool whole = size % elem_bytes == 0 && size > 0;
    const auto elems = static_cast<std::int64_t>(size / elem_bytes);
    if (!whole || (count >= 0 && elems != count)) {
        std::string want = count >= 0 ? std::to_string(static_cast<std::size_t>(count) * elem_bytes)
                                      : "a non-zero multiple of " + std::to_string(elem_bytes);
        return make_error(ErrorKind::BadModelFile, path.filename().string() + " has " +
                                                       std::to_string(size) + " bytes; expected " +
                                                       want + " (" + path.string() + ")");
    }
    count_out = elems;
    return bytes;
}

}  // namespace kinema::motion_detail
