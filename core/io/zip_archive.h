// ZipArchive: a read-only zip file (libzip). Used for torch.save checkpoints, whose records are
// stored uncompressed; compressed records are read too. Not thread-safe: one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

struct zip;

namespace kinema {

class ZipArchive {
public:
    // Io: missing or unreadable file. BadModelFile: not a zip archive, or a damaged one.
    static Result<ZipArchive> open(const std::filesystem::path& path);

    // Entry names in central-directory order.
    std::vector<std::string> names() const;
    // Uncompressed size; nullopt when there is no such entry.
    std::optional<std::uint64_t> entry_size_bytes(const std::string& name) const;

    // Reads the whole entry into dst (exactly size_bytes, which must equal the entry's size).
    // The CRC is verified. BadModelFile on a missing, short or corrupt entry.
    Status read_entry(const std::string& name, void* dst, std::uint64_t size_bytes) const;
    // Reads a whole entry of at most max_bytes into a string.
    Result<std::string> read_entry(const std::string& name, std::uint64_t max_bytes) const;

    const std::filesystem::path& path() const { return path_; }

private:
    struct Closer {
        void operator()(::zip* archive) const;
    };
    ZipArchive() = default;

    std::unique_ptr<::zip, Closer> archive_;
    std::filesystem::path path_;
};

}  // namespace kinema
