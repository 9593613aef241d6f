// Reads a torch.save checkpoint (the zip format of PyTorch >= 1.6: <name>/data.pkl plus one
// <name>/data/<key> record per storage) without Python and without running pickled code (see
// pickle_reader.h for the allowlist). The model weights are the top-level "model_state_dict"
// (else "state_dict") dict, or the top-level dict itself when all its values are tensors.
//
// Tensors are owned CPU tensors (read from the zip); views saved with shared storage share it
// again after loading, as torch.load does. Legacy (pre-1.6, non-zip) checkpoints and TorchScript
// archives are refused. Thread: any; calls are independent.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/io/tensor_entry.h"
#include "core/result.h"

namespace kinema {

// A top-level entry other than the state dict, e.g. {"epoch", "3"}.
struct CheckpointField {
    std::string key;
    std::string summary;  // the value if it is a scalar, else its kind and size ("dict, 4 items")
};

struct TorchCheckpoint {
    std::vector<std::pair<std::string, at::Tensor>> model_state_dict;  // file order, names verbatim
    std::string state_dict_key;  // "model_state_dict", "state_dict", or "" (the top level)
    std::vector<CheckpointField> other_fields;

    std::vector<std::string> other_keys() const;
};

struct TorchCheckpointListing {
    std::vector<TensorEntry> tensors;  // the state dict, file order; no tensor data was read
    std::string state_dict_key;
    std::vector<CheckpointField> other_fields;
};

// Loads the state-dict tensors whose names start with `prefix` (only their storages are read).
// Io: unreadable file. BadModelFile: not a zip, no data.pkl, refused or malformed pickle, a
// missing/short storage record, no state dict. Unsupported: big-endian or other unusual files.
// OutOfMemory: a storage could not be allocated.
Result<TorchCheckpoint> load_torch_checkpoint(const std::filesystem::path& path,
                                              std::string_view prefix = "");

// Names, dtypes and shapes of the state dict, reading only data.pkl.
Result<TorchCheckpointListing> list_torch_checkpoint(const std::filesystem::path& path);

}  // namespace kinema
