#include "core/io/safetensors_shard_set.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kinema {
namespace {

Error bad(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::BadModelFile, path.string() + ": " + what);
}

bool is_plain_relative(const std::filesystem::path& p) {
    if (p.empty() || p.is_absolute() || p.has_root_name()) return false;
    for (const auto& part : p)
        if (part == ".." || part == ".") return false;
    return true;
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::Io, "cannot read " + path.string());
    return text.str();
}

}  // namespace

Result<SafetensorsShardSet> SafetensorsShardSet::open(const std::filesystem::path& index_path) {
    auto text = read_small_file(index_path);
    if (!text) return text.error();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        return bad(index_path, std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) return bad(index_path, "not a JSON object");
    const auto map_it = doc.find("weight_map");
    if (map_it == doc.end() || !map_it->is_object()) return bad(index_path, "no weight_map object");

    SafetensorsShardSet set;
    if (const auto meta = doc.find("metadata"); meta != doc.end() && meta->is_object()) {
        for (const auto& [key, value] : meta->items())
            set.metadata_[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }

    std::map<std::string, std::vector<std::string>> names_by_shard;  // sorted by shard name
    for (const auto& [name, shard] : map_it->items()) {
        if (!shard.is_string())
            return bad(index_path, "weight_map value of '" + name + "' is not a string");
        const std::filesystem::path rel(shard.get<std::string>());
        if (!is_plain_relative(rel))
            return bad(index_path, "shard '" + rel.string() + "' is not a relative path");
        names_by_shard[rel.string()].push_back(name);
    }
    const auto folder = index_path.parent_path();
    for (const auto& [shard_name, names] : names_by_shard) {
        auto shard = SafetensorsFile::open(folder / shard_name);
        if (!shard) return shard.error();
        for (const auto& name : names) {
            if (!shard->contains(name))
                return bad(index_path, "weight_map puts '" + name + "' in " + shard_name +
                                           ", which does not hold it");
            set.shard_of_.emplace(name, set.shards_.size());
        }
        set.shards_.push_back(std::move(shard).value());
    }
    return set;
}

std::vector<TensorEntry> SafetensorsShardSet::list() const {
    std::vector<TensorEntry> out;
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        for (const auto& e : shards_[i].entries()) {
            const auto it = shard_of_.find(e.name);
            if (it != shard_of_.end() && it->second == i) out.push_back(e.to_tensor_entry());
        }
    }
    return out;
}

bool SafetensorsShardSet::contains(std::string_view name) const {
    return shard_of_.count(std::string(name)) != 0;
}

Result<at::Tensor> SafetensorsShardSet::tensor(std::string_view name) const {
    const auto it = shard_of_.find(std::string(name));
    if (it == shard_of_.end())
        return make_error(ErrorKind::InvalidRequest,
                          "no tensor named '" + std::string(name) + "' in the shard set");
    return shards_[it->second].tensor(name);
}

}  // namespace kinema
