#include "core/text/safetensors_folder.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <optional>

#include "core/io/safetensors_file.h"
#include "core/io/safetensors_shard_set.h"

namespace kinema::text {

namespace fs = std::filesystem;

struct SafetensorsFolder::State {
    std::optional<SafetensorsFile> file;  // exactly one of file / set is set
    std::optional<SafetensorsShardSet> set;
    std::map<std::string, TensorEntry, std::less<>> entries;
    std::vector<fs::path> files;
};

namespace {

// The index, or the single weights file, of `dir`; nullopt when there is none.
Result<fs::path> pick_weights(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return make_error(ErrorKind::Io, dir.string() + " is not a folder");
    if (fs::exists(dir / "model.safetensors.index.json", ec))
        return dir / "model.safetensors.index.json";
    if (fs::exists(dir / "model.safetensors", ec)) return dir / "model.safetensors";
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".safetensors") found.push_back(e.path());
    if (found.size() == 1) return found.front();
    return make_error(ErrorKind::Io,
                      dir.string() +
                          ": expected model.safetensors.index.json, model.safetensors "
                          "or exactly one *.safetensors file (found " +
                          std::to_string(found.size()) + ")");
}

bool is_float_dtype(const std::string& d) {
    return d == "F32" || d == "F16" || d == "BF16" || d == "F64";
}

}  // namespace

std::string shape_string(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

Result<SafetensorsFolder> SafetensorsFolder::open(const fs::path& dir) {
    auto path = pick_weights(dir);
    if (!path) return path.error();
    auto state = std::make_shared<State>();
    std::vector<TensorEntry> list;
    if (path->filename() == "model.safetensors.index.json") {
        auto set = SafetensorsShardSet::open(*path);
        if (!set) return set.error();
        list = set->list();
        for (const auto& shard : set->shards())
            state->files.push_back(shard.path());
        state->set.emplace(std::move(*set));
    } else {
        auto file = SafetensorsFile::open(*path);
        if (!file) return file.error();
        list = file->list();
        state->files.push_back(*path);
        state->file.emplace(std::move(*file));
    }
    for (auto& e : list)
        state->entries.emplace(e.name, e);
    SafetensorsFolder folder;
    folder.state_ = std::move(state);
    return folder;
}

const TensorEntry* SafetensorsFolder::find(std::string_view name) const {
    auto it = state_->entries.find(name);
    return it == state_->entries.end() ? nullptr : &it->second;
}

Result<at::Tensor> SafetensorsFolder::tensor(std::string_view name) const {
    return state_->set ? state_->set->tensor(name) : state_->file->tensor(name);
}

Status SafetensorsFolder::check(
    const std::vector<std::pair<std::string, std::vector<int64_t>>>& expected) const {
    std::vector<std::string> problems;
    for (const auto& [name, shape] : expected) {
        const TensorEntry* e = find(name);
        if (!e) {
            problems.push_back("missing " + name);
        } else if (e->shape != shape) {
            problems.push_back(name + ": shape " + shape_string(e->shape) + ", expected " +
                               shape_string(shape));
        } else if (!is_float_dtype(e->dtype)) {
            problems.push_back(name + ": dtype " + e->dtype + ", expected a float type");
        }
    }
    if (problems.empty()) return {};
    std::string msg = std::to_string(problems.size()) + " weight problem(s) in " +
                      state_->files.front().parent_path().string() + ": ";
    const size_t shown = std::min<size_t>(problems.size(), 40);
    for (size_t i = 0; i < shown; ++i)
        msg += (i ? "; " : "") + problems[i];
    if (shown < problems.size())
        msg += "; ... " + std::to_string(problems.size() - shown) + " more";
    return make_error(ErrorKind::BadModelFile, msg);
}

std::vector<fs::path> SafetensorsFolder::files() const {
    return state_->files;
}

std::string SafetensorsFolder::fingerprint() const {
    return weight_files_fingerprint(state_->files.front().parent_path());
}

std::string weight_files_fingerprint(const fs::path& dir) {
    auto path = pick_weights(dir);
    if (!path) return "missing";
    std::vector<fs::path> files{*path};
    std::error_code ec;
    if (path->filename() == "model.safetensors.index.json") {
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".safetensors") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::string out;
    for (const auto& f : files) {
        const auto size = fs::file_size(f, ec);
        out += f.filename().string() + ":" + (ec ? std::string("?") : std::to_string(size)) + ";";
    }
    return out;
}

}  // namespace kinema::text
