#include "core/io/safetensors_dtype.h"

#include <array>
#include <utility>

namespace kinema {
namespace {

struct DtypeInfo {
    SafetensorsDtype dtype;
    std::string_view name;
    std::size_t size_bytes;
    std::optional<c10::ScalarType> scalar_type;
};

constexpr std::array<DtypeInfo, 16> kDtypes{{
    {SafetensorsDtype::BOOL, "BOOL", 1, c10::ScalarType::Bool},
    {SafetensorsDtype::U8, "U8", 1, c10::ScalarType::Byte},
    {SafetensorsDtype::I8, "I8", 1, c10::ScalarType::Char},
    {SafetensorsDtype::F8_E5M2, "F8_E5M2", 1, std::nullopt},
    {SafetensorsDtype::F8_E4M3, "F8_E4M3", 1, std::nullopt},
    {SafetensorsDtype::F8_E8M0, "F8_E8M0", 1, std::nullopt},
    {SafetensorsDtype::I16, "I16", 2, c10::ScalarType::Short},
    {SafetensorsDtype::U16, "U16", 2, std::nullopt},
    {SafetensorsDtype::F16, "F16", 2, c10::ScalarType::Half},
    {SafetensorsDtype::BF16, "BF16", 2, c10::ScalarType::BFloat16},
    {SafetensorsDtype::I32, "I32", 4, c10::ScalarType::Int},
    {SafetensorsDtype::U32, "U32", 4, std::nullopt},
    {SafetensorsDtype::F32, "F32", 4, c10::ScalarType::Float},
    {SafetensorsDtype::F64, "F64", 8, c10::ScalarType::Double},
    {SafetensorsDtype::I64, "I64", 8, c10::ScalarType::Long},
    {SafetensorsDtype::U64, "U64", 8, std::nullopt},
}};

const DtypeInfo& info(SafetensorsDtype dtype) {
    return kDtypes[static_cast<std::size_t>(dtype)];
}

}  // namespace

std::optional<SafetensorsDtype> parse_safetensors_dtype(std::string_view text) {
    for (const auto& d : kDtypes)
        if (d.name == text) return d.dtype;
    return std::nullopt;
}

std::string_view dtype_name(SafetensorsDtype dtype) {
    return info(dtype).name;
}

std::size_t element_size_bytes(SafetensorsDtype dtype) {
    return info(dtype).size_bytes;
}

std::optional<c10::ScalarType> to_scalar_type(SafetensorsDtype dtype) {
    return info(dtype).scalar_type;
}

std::optional<SafetensorsDtype> to_safetensors_dtype(c10::ScalarType type) {
    for (const auto& d : kDtypes)
        if (d.scalar_type == type) return d.dtype;
    return std::nullopt;
}

}  // namespace kinema
