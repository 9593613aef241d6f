#include "core/io/torch_checkpoint.h"

#include <ATen/ops/empty.h>
#include <c10/util/Exception.h>

#include <cstdio>
#include <map>
#include <unordered_map>

#include "core/io/pickle_reader.h"
#include "core/io/safetensors_dtype.h"
#include "core/io/zip_archive.h"

namespace kinema {
namespace {

using Kind = PickleValue::Kind;

constexpr std::uint64_t kMaxPickleBytes = 1ull << 30;

Error bad(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::BadModelFile, path.string() + ": " + what);
}

// An opened checkpoint: the archive, its record prefix, the parsed pickle and where the state
// dict is in it.
struct OpenCheckpoint {
    ZipArchive archive;
    std::string record_prefix;  // "<name>/"
    PickleDocument doc;
    std::vector<std::pair<std::string, std::size_t>> state_dict;  // name -> tensor index
    std::string state_dict_key;
    std::vector<CheckpointField> other_fields;
};

std::string summarize(const PickleDocument& doc, std::size_t index) {
    const PickleValue& v = doc.at(index);
    switch (v.kind) {
        case Kind::None:
            return "None";
        case Kind::Bool:
            return v.int_value ? "True" : "False";
        case Kind::Int:
            return std::to_string(v.int_value);
        case Kind::Float: {
            char text[32];
            std::snprintf(text, sizeof(text), "%.17g", v.float_value);
            return text;
        }
        case Kind::String:
            return "'" + (v.text.size() > 64 ? v.text.substr(0, 64) + "..." : v.text) + "'";
        case Kind::Bytes:
            return "bytes, " + std::to_string(v.text.size());
        case Kind::Tuple:
            return "tuple, " + std::to_string(v.items.size()) + " items";
        case Kind::List:
            return "list, " + std::to_string(v.items.size()) + " items";
        case Kind::Dict:
            return "dict, " + std::to_string(v.items.size() / 2) + " items";
        case Kind::Global:
            return "global " + v.text;
        case Kind::Storage:
            return "storage";
        case Kind::Tensor:
            return "tensor";
    }
    return "?";
}

bool all_tensor_values(const PickleDocument& doc, const PickleValue& dict) {
    for (std::size_t i = 1; i < dict.items.size(); i += 2)
        if (doc.at(dict.items[i]).kind != Kind::Tensor) return false;
    return true;
}

Result<OpenCheckpoint> open_checkpoint(const std::filesystem::path& path) {
    auto archive = ZipArchive::open(path);
    if (!archive) {
        if (archive.error().kind == ErrorKind::BadModelFile)
            return bad(path,
                       "not a torch.save zip checkpoint (legacy pre-1.6 checkpoints are not "
                       "supported; re-save with a current PyTorch): " +
                           archive.error().message);
        return archive.error();
    }
    OpenCheckpoint ckpt{std::move(archive).value(), {}, {}, {}, {}, {}};
    for (const auto& name : ckpt.archive.names()) {
        const auto slash = name.find('/');
        if (slash != std::string::npos && name.substr(slash) == "/data.pkl") {
            ckpt.record_prefix = name.substr(0, slash + 1);
            break;
        }
    }
    if (ckpt.record_prefix.empty()) return bad(path, "zip has no <name>/data.pkl record");
    if (ckpt.archive.entry_size_bytes(ckpt.record_prefix + "byteorder")) {
        auto order = ckpt.archive.read_entry(ckpt.record_prefix + "byteorder", 16);
        if (!order) return order.error();
        if (*order != "little")
            return make_error(ErrorKind::Unsupported,
                              path.string() + ": byte order '" + *order + "' is not supported");
    }
    auto pickle = ckpt.archive.read_entry(ckpt.record_prefix + "data.pkl", kMaxPickleBytes);
    if (!pickle) return pickle.error();
    auto doc = read_torch_pickle(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(pickle->data()), pickle->size()));
    if (!doc) return Error{doc.error().kind, path.string() + ": " + doc.error().message};
    ckpt.doc = std::move(doc).value();

    const PickleDocument& d = ckpt.doc;
    const PickleValue& root = d.at(d.root);
    if (root.kind != Kind::Dict)
        return bad(path, "the checkpoint is a " + summarize(d, d.root) + ", not a dict");
    const PickleValue* state = nullptr;
    for (const char* key : {"model_state_dict", "state_dict"}) {
        for (std::size_t i = 0; i + 1 < root.items.size() && state == nullptr; i += 2) {
            const PickleValue& k = d.at(root.items[i]);
            const PickleValue& v = d.at(root.items[i + 1]);
            if (k.kind == Kind::String && k.text == key && v.kind == Kind::Dict) {
                state = &v;
                ckpt.state_dict_key = key;
            }
        }
        if (state != nullptr) break;
    }
    if (state == nullptr && all_tensor_values(d, root)) state = &root;
    if (state == nullptr) {
        std::string keys;
        for (std::size_t i = 0; i < root.items.size(); i += 2)
            keys += (keys.empty() ? "" : ", ") + summarize(d, root.items[i]);
        return bad(path, "no model_state_dict or state_dict in the checkpoint (top-level keys: " +
                             keys + ")");
    }

    std::unordered_map<std::string, std::size_t> position;
    for (std::size_t i = 0; i + 1 < state->items.size(); i += 2) {
        const PickleValue& k = d.at(state->items[i]);
        const PickleValue& v = d.at(state->items[i + 1]);
        if (k.kind != Kind::String)
            return bad(path,
                       "state dict key " + summarize(d, state->items[i]) + " is not a string");
        if (v.kind != Kind::Tensor)
            return bad(path, "state dict entry '" + k.text + "' is a " +
                                 summarize(d, state->items[i + 1]) + ", not a tensor");
        const auto tensor = static_cast<std::size_t>(v.int_value);
        if (const auto it = position.find(k.text); it != position.end()) {
            ckpt.state_dict[it->second].second = tensor;  // a repeated key overwrites, as in Python
        } else {
            position.emplace(k.text, ckpt.state_dict.size());
            ckpt.state_dict.emplace_back(k.text, tensor);
        }
    }
    if (state != &root) {
        for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
            const PickleValue& k = d.at(root.items[i]);
            if (k.kind == Kind::String && k.text == ckpt.state_dict_key) continue;
            ckpt.other_fields.push_back(
                {k.kind == Kind::String ? k.text : summarize(d, root.items[i]),
                 summarize(d, root.items[i + 1])});
        }
    }
    return ckpt;
}

// Reads (once) the storage record behind a tensor and returns the tensor as a view of it.
class StorageLoader {
public:
    explicit StorageLoader(const OpenCheckpoint& ckpt) : ckpt_(ckpt) {}

    Result<at::Tensor> tensor(std::size_t tensor_index) {
        const PickleTensor& t = ckpt_.doc.tensors[tensor_index];
        auto storage = load(t.storage);
        if (!storage) return storage.error();
        return storage->as_strided(t.sizes, t.strides, t.storage_offset);
    }

private:
    Result<at::Tensor> load(std::size_t index) {
        if (const auto it = cache_.find(index); it != cache_.end()) return it->second;
        const PickleStorage& s = ckpt_.doc.storages[index];
        const auto record = ckpt_.record_prefix + "data/" + s.key;
        const auto element = static_cast<std::uint64_t>(c10::elementSize(s.dtype));
        const auto nbytes = static_cast<std::uint64_t>(s.numel) * element;
        const auto size = ckpt_.archive.entry_size_bytes(record);
        if (!size) return bad(ckpt_.archive.path(), "missing storage record '" + record + "'");
        if (*size != nbytes)
            return bad(ckpt_.archive.path(),
                       "storage record '" + record + "' holds " + std::to_string(*size) +
                           " bytes, the pickle says " + std::to_string(nbytes));
        at::Tensor storage = at::empty({s.numel}, at::TensorOptions().dtype(s.dtype));
        KINEMA_TRY_STATUS(ckpt_.archive.read_entry(record, storage.data_ptr(), nbytes));
        if (s.dtype == c10::ScalarType::Bool) {
            const auto* bytes = static_cast<const std::uint8_t*>(storage.data_ptr());
            for (std::uint64_t i = 0; i < nbytes; ++i)
                if (bytes[i] > 1)
                    return bad(ckpt_.archive.path(), "bool storage '" + s.key + "' holds byte " +
                                                         std::to_string(bytes[i]));
        }
        cache_.emplace(index, storage);
        return storage;
    }

    const OpenCheckpoint& ckpt_;
    std::unordered_map<std::size_t, at::Tensor> cache_;
};

TensorEntry entry_of(const PickleDocument& doc, const std::string& name, std::size_t index) {
    const PickleTensor& t = doc.tensors[index];
    const auto dtype = doc.storages[t.storage].dtype;
    TensorEntry e{name, std::string(dtype_name(*to_safetensors_dtype(dtype))), t.sizes, 0};
    e.nbytes = static_cast<std::uint64_t>(e.numel()) * c10::elementSize(dtype);
    return e;
}

}  // namespace

std::vector<std::string> TorchCheckpoint::other_keys() const {
    std::vector<std::string> keys;
    for (const auto& f : other_fields)
        keys.push_back(f.key);
    return keys;
}

Result<TorchCheckpoint> load_torch_checkpoint(const std::filesystem::path& path,
                                              std::string_view prefix) {
    auto ckpt = open_checkpoint(path);
    if (!ckpt) return ckpt.error();
    TorchCheckpoint out;
    out.state_dict_key = ckpt->state_dict_key;
    out.other_fields = ckpt->other_fields;
    StorageLoader loader(*ckpt);
    try {
        for (const auto& [name, index] : ckpt->state_dict) {
            if (name.compare(0, prefix.size(), prefix) != 0) continue;
            auto t = loader.tensor(index);
            if (!t) return t.error();
            out.model_state_dict.emplace_back(name, std::move(t).value());
        }
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "out of memory loading " + path.string());
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        const bool oom = what.find("allocate") != std::string::npos;
        return make_error(oom ? ErrorKind::OutOfMemory : ErrorKind::Internal,
                          "loading " + path.string() + ": " + what);
    }
    return out;
}

Result<TorchCheckpointListing> list_torch_checkpoint(const std::filesystem::path& path) {
    auto ckpt = open_checkpoint(path);
    if (!ckpt) return ckpt.error();
    TorchCheckpointListing out;
    out.state_dict_key = ckpt->state_dict_key;
    out.other_fields = ckpt->other_fields;
    for (const auto& [name, index] : ckpt->state_dict)
        out.tensors.push_back(entry_of(ckpt->doc, name, index));
    return out;
}

}  // namespace kinema
