// MappedFile: a read-only memory mapping of a whole file (RAII). Non-copyable, movable; created
// only through open(). An empty file maps to data() == nullptr, size_bytes() == 0.
// Thread safety: the mapping is immutable; data() may be read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "core/result.h"

namespace kinema {

class MappedFile {
public:
    // Io if the file cannot be opened, stat-ed or mapped; InvalidRequest if it is not a regular
    // file.
    static Result<MappedFile> open(const std::filesystem::path& path);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    // Valid while this object lives. Pages are mapped PROT_READ: writing through it faults.
    const std::uint8_t* data() const { return data_; }
    std::size_t size_bytes() const { return size_bytes_; }
    std::span<const std::uint8_t> bytes() const { return {data_, size_bytes_}; }
    const std::filesystem::path& path() const { return path_; }

private:
    MappedFile() = default;
    void reset() noexcept;

    const std::uint8_t* data_ = nullptr;
    std::size_t size_bytes_ = 0;
    std::filesystem::path path_;
};

}  // namespace kinema
