#include "core/io/safetensors_file.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "core/io/mapped_file.h"
#include "core/io/utf8_check.h"

namespace kinema {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the reference implementation's limit
constexpr std::size_t kMaxRank = 64;

Error bad(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::BadModelFile, path.string() + ": " + what);
}

std::uint64_t read_le_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// Parses the JSON header, rejecting duplicate keys at any level.
Result<nlohmann::json> parse_header_json(const std::filesystem::path& path, std::string_view text) {
    if (!is_valid_utf8(text)) return bad(path, "header is not valid UTF-8");
    std::vector<std::set<std::string>> open_objects;  // keys seen in each enclosing object
    std::string duplicate;
    const auto on_event = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                              nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) {
            open_objects.emplace_back();
        } else if (event == E::object_end) {
            if (!open_objects.empty()) open_objects.pop_back();
        } else if (event == E::key && !open_objects.empty()) {
            auto key = parsed.get<std::string>();
            if (!open_objects.back().insert(key).second && duplicate.empty()) duplicate = key;
        }
        return true;
    };
    try {
        auto doc = nlohmann::json::parse(text.begin(), text.end(), on_event);
        if (!duplicate.empty()) return bad(path, "duplicate key '" + duplicate + "' in header");
        if (!doc.is_object()) return bad(path, "header is not a JSON object");
        return doc;
    } catch (const nlohmann::json::exception& e) {
        return bad(path, std::string("header is not valid JSON: ") + e.what());
    }
}

Result<SafetensorsEntry> parse_entry(const std::filesystem::path& path, const std::string& name,
                                     const nlohmann::json& info) {
    const std::string where = "tensor '" + name + "': ";
    if (!info.is_object()) return bad(path, where + "entry is not an object");
    const auto dtype_it = info.find("dtype");
    const auto shape_it = info.find("shape");
    const auto offsets_it = info.find("data_offsets");
    if (dtype_it == info.end() || !dtype_it->is_string()) return bad(path, where + "missing dtype");
    if (shape_it == info.end() || !shape_it->is_array()) return bad(path, where + "missing shape");
    if (offsets_it == info.end() || !offsets_it->is_array())
        return bad(path, where + "missing data_offsets");

    SafetensorsEntry entry;
    entry.name = name;
    const auto dtype = parse_safetensors_dtype(dtype_it->get<std::string>());
    if (!dtype) return bad(path, where + "unknown dtype '" + dtype_it->get<std::string>() + "'");
    entry.dtype = *dtype;

    if (shape_it->size() > kMaxRank) return bad(path, where + "more than 64 dimensions");
    std::uint64_t numel = 1;
    for (const auto& d : *shape_it) {
        if (!d.is_number_unsigned() ||
            d.get<std::uint64_t>() >
                static_cast<std::uint64_t>(std::numeric_limits<int64_t>::max()))
            return bad(path, where + "shape " + shape_it->dump() +
                                 " is not a list of non-negative integers");
        const auto dim = d.get<std::uint64_t>();
        entry.shape.push_back(static_cast<int64_t>(dim));
        if (__builtin_mul_overflow(numel, dim, &numel))
            return bad(path, where + "shape " + shape_it->dump() + " overflows");
    }
    std::uint64_t expected_bytes = 0;
    if (__builtin_mul_overflow(numel, element_size_bytes(entry.dtype), &expected_bytes))
        return bad(path, where + "shape " + shape_it->dump() + " overflows");

    const auto& offs = *offsets_it;
    if (offs.size() != 2 || !offs[0].is_number_unsigned() || !offs[1].is_number_unsigned())
        return bad(path, where + "data_offsets " + offs.dump() +
                             " is not a pair of non-negative integers");
    entry.begin_offset = offs[0].get<std::uint64_t>();
    entry.end_offset = offs[1].get<std::uint64_t>();
    if (entry.end_offset < entry.begin_offset)
        return bad(path, where + "data_offsets " + offs.dump() + " end before begin");
    if (entry.nbytes() != expected_bytes)
        return bad(path, where + "holds " + std::to_string(entry.nbytes()) + " bytes, but shape " +
                             shape_it->dump() + " x " + std::string(dtype_name(entry.dtype)) +
                             " needs " + std::to_string(expected_bytes));
    return entry;
}

}  // namespace

TensorEntry SafetensorsEntry::to_tensor_entry() const {
    return TensorEntry{name, std::string(dtype_name(dtype)), shape, nbytes()};
}

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return mapped.error();
    auto mapping = std::make_shared<const MappedFile>(std::move(mapped).value());
    const std::uint64_t file_bytes = mapping->size_bytes();
    if (file_bytes < 8)
        return bad(path, "file of " + std::to_string(file_bytes) +
                             " bytes is too short for the 8-byte header length");
    const std::uint64_t header_bytes = read_le_u64(mapping->data());
    if (header_bytes > file_bytes - 8)
        return bad(path, "header length " + std::to_string(header_bytes) + " exceeds the file (" +
                             std::to_string(file_bytes) + " bytes)");
    if (header_bytes > kMaxHeaderBytes)
        return bad(path, "header length " + std::to_string(header_bytes) + " exceeds 100 MB");
    if (header_bytes < 2) return bad(path, "header is too short to be a JSON object");
    const std::string_view text(reinterpret_cast<const char*>(mapping->data() + 8), header_bytes);
    if (text.front() != '{') return bad(path, "header does not start with '{'");

    auto doc = parse_header_json(path, text);
    if (!doc) return doc.error();

    SafetensorsFile file;
    file.path_ = path;
    file.data_offset_bytes_ = 8 + header_bytes;
    const std::uint64_t data_bytes = file_bytes - file.data_offset_bytes_;
    for (const auto& [key, value] : doc->items()) {
        if (key == "__metadata__") {
            if (!value.is_object()) return bad(path, "__metadata__ is not an object");
            for (const auto& [mkey, mvalue] : value.items()) {
                if (!mvalue.is_string())
                    return bad(path, "__metadata__ value of '" + mkey + "' is not a string");
                file.metadata_[mkey] = mvalue.get<std::string>();
            }
            continue;
        }
        auto entry = parse_entry(path, key, value);
        if (!entry) return entry.error();
        if (entry->end_offset > data_bytes)
            return bad(path, "tensor '" + key + "': data_offsets [" +
                                 std::to_string(entry->begin_offset) + ", " +
                                 std::to_string(entry->end_offset) + "] beyond the data section (" +
                                 std::to_string(data_bytes) + " bytes)");
        file.entries_.push_back(std::move(entry).value());
    }

    std::stable_sort(file.entries_.begin(), file.entries_.end(),
                     [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
                         return a.begin_offset < b.begin_offset;
                     });
    const SafetensorsEntry* previous = nullptr;  // the last non-empty range
    for (const auto& e : file.entries_) {
        if (e.nbytes() == 0) continue;
        if (previous != nullptr && e.begin_offset < previous->end_offset)
            return bad(path, "tensors '" + previous->name + "' and '" + e.name +
                                 "' have overlapping data ranges");
        previous = &e;
    }
    for (std::size_t i = 0; i < file.entries_.size(); ++i)
        file.index_.emplace(file.entries_[i].name, i);
    file.mapping_ = std::move(mapping);
    return file;
}

std::vector<TensorEntry> SafetensorsFile::list() const {
    std::vector<TensorEntry> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_)
        out.push_back(e.to_tensor_entry());
    return out;
}

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : &entries_[it->second];
}

Result<at::Tensor> SafetensorsFile::tensor(std::string_view name) const {
    const SafetensorsEntry* entry = find(name);
    if (entry == nullptr)
        return make_error(ErrorKind::InvalidRequest,
                          path_.string() + ": no tensor named '" + std::string(name) + "'");
    const auto scalar_type = to_scalar_type(entry->dtype);
    if (!scalar_type)
        return make_error(ErrorKind::Unsupported, path_.string() + ": tensor '" + entry->name +
                                                      "' has dtype " +
                                                      std::string(dtype_name(entry->dtype)) +
                                                      ", which this build cannot load");
    const std::uint8_t* data = mapping_->data() + data_offset_bytes_ + entry->begin_offset;
    if (entry->dtype == SafetensorsDtype::BOOL) {
        for (std::uint64_t i = 0; i < entry->nbytes(); ++i)
            if (data[i] > 1)
                return bad(path_, "BOOL tensor '" + entry->name + "' holds the byte " +
                                      std::to_string(data[i]) + " at element " + std::to_string(i));
    }
    try {
        const auto options = at::TensorOptions().dtype(*scalar_type).device(at::kCPU);
        if (entry->nbytes() == 0) return at::empty(entry->shape, options);
        const auto address = reinterpret_cast<std::uintptr_t>(data);
        if (address % element_size_bytes(entry->dtype) != 0) {
            at::Tensor owned = at::empty(entry->shape, options);
            std::memcpy(owned.data_ptr(), data, entry->nbytes());
            return owned;
        }
        std::shared_ptr<const MappedFile> keep_alive = mapping_;
        return at::from_blob(
            const_cast<std::uint8_t*>(data), entry->shape,
            [keep_alive](void*) mutable { keep_alive.reset(); }, options);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "cannot allocate tensor '" + entry->name + "'");
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          "tensor '" + entry->name + "': " + e.what_without_backtrace());
    }
}

}  // namespace kinema
