#include "core/io/state_dict_loader.h"

#include <fstream>

#include "core/io/safetensors_file.h"
#include "core/io/safetensors_shard_set.h"

namespace kinema {
namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

template <typename Source>
Result<std::map<std::string, at::Tensor>> load_all(const Source& source,
                                                   const std::vector<TensorEntry>& entries,
                                                   const std::string& prefix) {
    std::map<std::string, at::Tensor> out;
    for (const auto& e : entries) {
        if (!starts_with(e.name, prefix)) continue;
        auto t = source.tensor(e.name);
        if (!t) return t.error();
        out.emplace(e.name, std::move(t).value());
    }
    return out;
}

std::vector<TensorEntry> filtered(std::vector<TensorEntry> entries, const std::string& prefix) {
    std::erase_if(entries, [&](const TensorEntry& e) { return !starts_with(e.name, prefix); });
    return entries;
}

}  // namespace

std::string_view to_string(ModelFileFormat format) {
    switch (format) {
        case ModelFileFormat::Safetensors:
            return "safetensors";
        case ModelFileFormat::SafetensorsIndex:
            return "safetensors-index";
        case ModelFileFormat::TorchCheckpoint:
            return "torch-checkpoint";
    }
    return "unknown";
}

Result<ModelFileFormat> detect_model_file_format(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    if (ends_with(name, ".safetensors.index.json")) return ModelFileFormat::SafetensorsIndex;
    if (ends_with(name, ".safetensors")) return ModelFileFormat::Safetensors;
    for (const char* ext : {".ckpt", ".pt", ".pth", ".bin"})
        if (ends_with(name, ext)) return ModelFileFormat::TorchCheckpoint;
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + file.string());
    char magic[2] = {0, 0};
    in.read(magic, 2);
    if (in.gcount() == 2 && magic[0] == 'P' && magic[1] == 'K')
        return ModelFileFormat::TorchCheckpoint;
    return ModelFileFormat::Safetensors;
}

Result<std::map<std::string, at::Tensor>> load_state_dict(const std::filesystem::path& file,
                                                          const std::string& prefix) {
    auto format = detect_model_file_format(file);
    if (!format) return format.error();
    switch (*format) {
        case ModelFileFormat::Safetensors: {
            auto st = SafetensorsFile::open(file);
            if (!st) return st.error();
            return load_all(*st, st->list(), prefix);
        }
        case ModelFileFormat::SafetensorsIndex: {
            auto set = SafetensorsShardSet::open(file);
            if (!set) return set.error();
            return load_all(*set, set->list(), prefix);
        }
        case ModelFileFormat::TorchCheckpoint: {
            auto ckpt = load_torch_checkpoint(file, prefix);
            if (!ckpt) return ckpt.error();
            std::map<std::string, at::Tensor> out;
            for (auto& [name, tensor] : ckpt->model_state_dict)
                out.emplace(name, std::move(tensor));
            return out;
        }
    }
    return make_error(ErrorKind::Internal, "unhandled model file format");
}

Result<ModelFileListing> inspect_model_file(const std::filesystem::path& file,
                                            const std::string& prefix) {
    auto format = detect_model_file_format(file);
    if (!format) return format.error();
    ModelFileListing out;
    out.format = *format;
    switch (*format) {
        case ModelFileFormat::Safetensors: {
            auto st = SafetensorsFile::open(file);
            if (!st) return st.error();
            out.tensors = filtered(st->list(), prefix);
            out.metadata = st->metadata();
            break;
        }
        case ModelFileFormat::SafetensorsIndex: {
            auto set = SafetensorsShardSet::open(file);
            if (!set) return set.error();
            out.tensors = filtered(set->list(), prefix);
            out.metadata = set->metadata();
            out.shard_count = set->shards().size();
            break;
        }
        case ModelFileFormat::TorchCheckpoint: {
            auto listing = list_torch_checkpoint(file);
            if (!listing) return listing.error();
            out.tensors = filtered(std::move(listing->tensors), prefix);
            out.state_dict_key = listing->state_dict_key;
            out.other_fields = listing->other_fields;
            break;
        }
    }
    return out;
}

Result<std::vector<TensorEntry>> list_tensors(const std::filesystem::path& file,
                                              const std::string& prefix) {
    auto listing = inspect_model_file(file, prefix);
    if (!listing) return listing.error();
    return std::move(listing->tensors);
}

}  // namespace kinema
