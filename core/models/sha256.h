// Sha256: streamed SHA-256 (FIPS 180-4), no dependencies. Used to verify model files against the
// hashes Hugging Face publishes (LFS oid = sha256 of the file) without loading files into memory.
// Thread: an instance is single-threaded; distinct instances are independent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kinema {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size_bytes);
    void update(std::string_view text) { update(text.data(), text.size()); }
    // The digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    // finish() as 64 lowercase hex digits.
    std::string finish_hex();

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 8> h_;
    std::array<uint8_t, 64> buf_{};
    size_t buf_len_ = 0;
    uint64_t total_bytes_ = 0;
};

// Lowercase hex SHA-256 of a file, read in 4 MiB chunks. on_progress(done_bytes) is called after
// each chunk; returning false cancels (ErrorKind::Cancelled). Io when the file cannot be read.
Result<std::string> sha256_file(const std::filesystem::path& file,
                                const std::function<bool(uint64_t)>& on_progress = {});

// True for 64 hex digits (either case).
bool is_sha256_hex(std::string_view text);

}  // namespace kinema
