// One entry point for every weight-file format Kinema reads: .safetensors, sharded
// .safetensors.index.json, and torch.save checkpoints (.ckpt/.pt/.pth/.bin). The format is chosen
// by file name, else by the file's first bytes.
// Thread: any; calls are independent.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/io/tensor_entry.h"
#include "core/io/torch_checkpoint.h"
#include "core/result.h"

namespace kinema {

enum class ModelFileFormat { Safetensors, SafetensorsIndex, TorchCheckpoint };

std::string_view to_string(ModelFileFormat format);

// By name (".safetensors", ".safetensors.index.json", ".ckpt", ".pt", ".pth", ".bin"), else by
// content ("PK" zip magic -> checkpoint, else safetensors). Io if the file cannot be read.
Result<ModelFileFormat> detect_model_file_format(const std::filesystem::path& file);

// The tensors whose names start with `prefix`, names verbatim (prefix included). Safetensors
// tensors are zero-copy read-only views of the mapped file (clone before writing into them);
// checkpoint tensors are owned. Errors as the format readers report them.
Result<std::map<std::string, at::Tensor>> load_state_dict(const std::filesystem::path& file,
                                                          const std::string& prefix = "");

// Names, dtypes ("F16", ...), shapes and byte sizes of the tensors whose names start with
// `prefix`, in file order, without reading tensor data.
Result<std::vector<TensorEntry>> list_tensors(const std::filesystem::path& file,
                                              const std::string& prefix = "");

// Everything `kinema-cli inspect` shows about a file.
struct ModelFileListing {
    ModelFileFormat format = ModelFileFormat::Safetensors;
    std::vector<TensorEntry> tensors;             // filtered by prefix, file order
    std::map<std::string, std::string> metadata;  // safetensors __metadata__ / index metadata
    std::string state_dict_key;                   // checkpoints only
    std::vector<CheckpointField> other_fields;    // checkpoints only
    std::size_t shard_count = 1;
};
Result<ModelFileListing> inspect_model_file(const std::filesystem::path& file,
                                            const std::string& prefix = "");

}  // namespace kinema
