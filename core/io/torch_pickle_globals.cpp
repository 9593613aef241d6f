#include "core/io/torch_pickle_globals.h"

#include <array>
#include <string>

namespace kinema {
namespace {

using Kind = PickleValue::Kind;
constexpr std::size_t kMaxRank = 64;

struct StorageType {
    std::string_view name;
    c10::ScalarType dtype;
};
constexpr std::array<StorageType, 10> kStorageTypes{{
    {"torch.FloatStorage", c10::ScalarType::Float},
    {"torch.HalfStorage", c10::ScalarType::Half},
    {"torch.BFloat16Storage", c10::ScalarType::BFloat16},
    {"torch.DoubleStorage", c10::ScalarType::Double},
    {"torch.LongStorage", c10::ScalarType::Long},
    {"torch.IntStorage", c10::ScalarType::Int},
    {"torch.ShortStorage", c10::ScalarType::Short},
    {"torch.CharStorage", c10::ScalarType::Char},
    {"torch.ByteStorage", c10::ScalarType::Byte},
    {"torch.BoolStorage", c10::ScalarType::Bool},
}};

Error bad(const std::string& what) {
    return make_error(ErrorKind::BadModelFile, what);
}

Result<int64_t> int_of(const PickleDocument& doc, std::size_t index, const char* what) {
    const PickleValue& v = doc.at(index);
    if (v.kind != Kind::Int && v.kind != Kind::Bool)
        return bad(std::string(what) + " is not an integer");
    return v.int_value;
}

Result<std::vector<int64_t>> dims_of(const PickleDocument& doc, std::size_t index,
                                     const char* what) {
    const PickleValue& v = doc.at(index);
    if (v.kind != Kind::Tuple && v.kind != Kind::List)
        return bad(std::string(what) + " is not a tuple");
    if (v.items.size() > kMaxRank) return bad(std::string(what) + " has more than 64 dimensions");
    std::vector<int64_t> out;
    for (const std::size_t item : v.items) {
        auto i = int_of(doc, item, what);
        if (!i) return i.error();
        if (*i < 0) return bad(std::string(what) + " holds a negative value");
        out.push_back(*i);
    }
    return out;
}

}  // namespace

std::optional<c10::ScalarType> torch_storage_dtype(std::string_view global_name) {
    for (const auto& s : kStorageTypes)
        if (s.name == global_name) return s.dtype;
    return std::nullopt;
}

bool is_allowed_pickle_global(std::string_view name) {
    return name == kPickleOrderedDict || name == kPickleRebuildTensorV2 ||
           name == kPickleRebuildParameter || torch_storage_dtype(name).has_value();
}

Result<PickleTensor> make_pickle_tensor(const PickleDocument& doc,
                                        const std::vector<std::size_t>& args) {
    if (args.size() != 6 && args.size() != 7)
        return bad("_rebuild_tensor_v2 takes 6 or 7 arguments");
    const PickleValue& storage = doc.at(args[0]);
    if (storage.kind != Kind::Storage) return bad("_rebuild_tensor_v2 without a storage");
    PickleTensor t;
    t.storage = static_cast<std::size_t>(storage.int_value);
    auto offset = int_of(doc, args[1], "storage offset");
    if (!offset) return offset.error();
    auto sizes = dims_of(doc, args[2], "tensor size");
    if (!sizes) return sizes.error();
    auto strides = dims_of(doc, args[3], "tensor stride");
    if (!strides) return strides.error();
    auto requires_grad = int_of(doc, args[4], "requires_grad");
    if (!requires_grad) return requires_grad.error();
    const PickleValue& hooks = doc.at(args[5]);
    if (hooks.kind != Kind::Dict || !hooks.items.empty()) return bad("tensor with backward hooks");
    if (*offset < 0) return bad("negative storage offset");
    if (sizes->size() != strides->size()) return bad("tensor size and stride differ in rank");
    t.storage_offset = *offset;
    t.sizes = std::move(sizes).value();
    t.strides = std::move(strides).value();
    t.requires_grad = *requires_grad != 0;

    // Every element of the view must lie inside the storage.
    const int64_t storage_numel = doc.storages[t.storage].numel;
    int64_t numel = 1;
    int64_t last = t.storage_offset;
    for (std::size_t d = 0; d < t.sizes.size(); ++d) {
        if (__builtin_mul_overflow(numel, t.sizes[d], &numel)) return bad("tensor size overflows");
        int64_t span = 0;
        if (t.sizes[d] > 0 && (__builtin_mul_overflow(t.sizes[d] - 1, t.strides[d], &span) ||
                               __builtin_add_overflow(last, span, &last)))
            return bad("tensor stride overflows");
    }
    if (numel > 0 ? last >= storage_numel : t.storage_offset > storage_numel)
        return bad("tensor view reaches beyond its storage of " + std::to_string(storage_numel) +
                   " elements");
    return t;
}

}  // namespace kinema
