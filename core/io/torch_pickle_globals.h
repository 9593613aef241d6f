// The torch.save vocabulary the restricted unpickler accepts: the allowed globals, the storage
// classes and their dtypes, and the checked construction of a tensor view from
// _rebuild_tensor_v2's arguments.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/io/pickle_reader.h"
#include "core/result.h"

namespace kinema {

inline constexpr std::string_view kPickleOrderedDict = "collections.OrderedDict";
inline constexpr std::string_view kPickleRebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
inline constexpr std::string_view kPickleRebuildParameter = "torch._utils._rebuild_parameter";

// "torch.FloatStorage" -> Float, ...; nullopt for anything else.
std::optional<c10::ScalarType> torch_storage_dtype(std::string_view global_name);

// The allowlist: OrderedDict, _rebuild_tensor_v2, _rebuild_parameter, the ten storage classes.
bool is_allowed_pickle_global(std::string_view global_name);

// Validates _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
// against `doc` (the storage must exist; every element of the view must lie inside it; no
// backward hooks). The message of a BadModelFile error carries no position; the caller adds it.
Result<PickleTensor> make_pickle_tensor(const PickleDocument& doc,
                                        const std::vector<std::size_t>& args);

}  // namespace kinema
