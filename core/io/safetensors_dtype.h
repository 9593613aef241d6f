// The safetensors dtype vocabulary and its mapping to ATen scalar types.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <c10/core/ScalarType.h>

namespace kinema {

// Every byte-sized dtype of the safetensors format. The ones without an ATen type in every
// supported libtorch (F8_*, U16/U32/U64) can be listed but not loaded.
enum class SafetensorsDtype {
    BOOL,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    F8_E8M0,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
};

// nullopt for a string that is not a (byte-sized) safetensors dtype.
std::optional<SafetensorsDtype> parse_safetensors_dtype(std::string_view text);
std::string_view dtype_name(SafetensorsDtype dtype);
std::size_t element_size_bytes(SafetensorsDtype dtype);

// nullopt: valid in safetensors, but this build has no ATen type for it.
std::optional<c10::ScalarType> to_scalar_type(SafetensorsDtype dtype);
// nullopt: the ATen type has no safetensors spelling (complex, quantised, ...).
std::optional<SafetensorsDtype> to_safetensors_dtype(c10::ScalarType type);

}  // namespace kinema
