// SafetensorsFile: one .safetensors file, validated strictly on open() and mapped read-only.
// tensor() returns zero-copy views of the mapping; they keep the mapping alive on their own, so a
// tensor may outlive the SafetensorsFile it came from.
//
// READ-ONLY: the mapped pages are PROT_READ. Writing into a returned tensor (in-place ops, copy_
// into it, data_ptr writes) faults; clone() first if the tensor must be modified.
//
// Thread safety: after open() the object is immutable; tensor() may be called from any thread.
// Copies are cheap (they share the mapping).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/io/safetensors_dtype.h"
#include "core/io/tensor_entry.h"
#include "core/result.h"

namespace kinema {

class MappedFile;

struct SafetensorsEntry {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;
    std::uint64_t begin_offset = 0;  // byte range in the data section (after the header)
    std::uint64_t end_offset = 0;

    std::uint64_t nbytes() const { return end_offset - begin_offset; }
    TensorEntry to_tensor_entry() const;
};

class SafetensorsFile {
public:
    // Io: the file cannot be read. BadModelFile: any violation of the format (header length,
    // JSON, UTF-8, dtype, shape, offsets out of bounds or overlapping, size != shape x dtype,
    // duplicate names, malformed __metadata__).
    static Result<SafetensorsFile> open(const std::filesystem::path& path);

    // Entries in ascending data offset (file order); ties broken by name.
    const std::vector<SafetensorsEntry>& entries() const { return entries_; }
    std::vector<TensorEntry> list() const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const std::filesystem::path& path() const { return path_; }
    std::uint64_t data_offset_bytes() const { return data_offset_bytes_; }

    const SafetensorsEntry* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }

    // A CPU tensor with the stored dtype and shape. Zero-copy when the data is aligned to its
    // element size (always, for files written by the reference writer or ours); otherwise an owned
    // copy. InvalidRequest: no such name. Unsupported: a dtype without an ATen type (F8_*, U16+).
    // BadModelFile: a BOOL tensor holding a byte other than 0 or 1.
    Result<at::Tensor> tensor(std::string_view name) const;

private:
    SafetensorsFile() = default;

    std::shared_ptr<const MappedFile> mapping_;
    std::filesystem::path path_;
    std::vector<SafetensorsEntry> entries_;
    std::unordered_map<std::string, std::size_t> index_;  // name -> entries_ position
    std::map<std::string, std::string> metadata_;
    std::uint64_t data_offset_bytes_ = 0;  // 8 + header length
};

}  // namespace kinema
