// A restricted unpickler for the data.pkl of a torch.save zip. It never runs code: the only
// globals it accepts are collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter and the torch.<Type>Storage classes (as persistent-id
// components); any other global is refused with BadModelFile naming it. Tensors come back as
// references to storages (zip records), so no tensor data is read here.
//
// Values live in an arena (PickleDocument::values) and refer to each other by index, so cyclic or
// shared structures cannot leak or recurse. Work and memory are bounded by the pickle's length.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema {

struct PickleValue {
    enum class Kind {
        None,
        Bool,
        Int,
        Float,
        String,
        Bytes,
        Tuple,
        List,
        Dict,
        Global,
        Storage,
        Tensor
    };
    Kind kind = Kind::None;
    int64_t int_value = 0;           // Bool, Int; Storage/Tensor: index into storages/tensors
    double float_value = 0.0;        // Float
    std::string text;                // String, Bytes; Global: "module.name"
    std::vector<std::size_t> items;  // Tuple, List: elements; Dict: key0, value0, key1, ...
};

struct PickleStorage {
    std::string key;  // the zip record data/<key>
    c10::ScalarType dtype = c10::ScalarType::Float;
    int64_t numel = 0;     // elements, as the pickle claims (checked against the record later)
    std::string location;  // "cpu", "cuda:0", ... (ignored: everything loads to CPU)
};

struct PickleTensor {
    std::size_t storage = 0;  // index into PickleDocument::storages
    int64_t storage_offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
    bool requires_grad = false;
};

struct PickleDocument {
    std::vector<PickleValue> values;
    std::vector<PickleStorage> storages;
    std::vector<PickleTensor> tensors;
    std::size_t root = 0;

    const PickleValue& at(std::size_t index) const { return values[index]; }
};

// BadModelFile for a malformed, truncated or unsafe pickle; Unsupported for a valid opcode or
// construct outside the subset torch.save writes.
Result<PickleDocument> read_torch_pickle(std::span<const std::uint8_t> bytes);

}  // namespace kinema
