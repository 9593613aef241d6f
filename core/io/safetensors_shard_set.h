// SafetensorsShardSet: a sharded checkpoint (`*.safetensors.index.json` + its shards) opened as one
// logical set of tensors. The index's weight_map (name -> shard file, relative to the index's
// folder) is authoritative: tensors a shard holds beyond it are ignored.
// Same read-only/zero-copy and thread-safety contract as SafetensorsFile.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/io/safetensors_file.h"
#include "core/io/tensor_entry.h"
#include "core/result.h"

namespace kinema {

class SafetensorsShardSet {
public:
    // Io: the index or a shard cannot be read. BadModelFile: malformed index (no weight_map, a
    // value that is not a plain relative file name), a malformed shard, or a weight_map name that
    // its shard does not hold.
    static Result<SafetensorsShardSet> open(const std::filesystem::path& index_path);

    // Shards in file-name order, each shard's tensors in file order.
    std::vector<TensorEntry> list() const;
    const std::vector<SafetensorsFile>& shards() const { return shards_; }
    // The index's "metadata" object, values as strings (numbers as their JSON text).
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    bool contains(std::string_view name) const;

    // As SafetensorsFile::tensor().
    Result<at::Tensor> tensor(std::string_view name) const;

private:
    SafetensorsShardSet() = default;

    std::vector<SafetensorsFile> shards_;
    std::unordered_map<std::string, std::size_t> shard_of_;  // tensor name -> shards_ index
    std::map<std::string, std::string> metadata_;
};

}  // namespace kinema
