#include "core/model_paths.h"

#include <cstdlib>
#include <system_error>

namespace kinema {
namespace fs = std::filesystem;
namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

bool exists_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::string classify(const fs::path& dir) {
    if (exists_file(dir / "latest.ckpt") && exists_file(dir / "config.yml")) return "hymotion-ckpt";
    if (exists_file(dir / "model.safetensors") && exists_file(dir / "config.yml"))
        return "hymotion-safetensors";
    if (exists_file(dir / "kinema-model.json")) return "kinema-tiny";
    if (exists_file(dir / "config.json")) {
        if (exists_file(dir / "model.safetensors.index.json") && exists_file(dir / "merges.txt"))
            return "qwen3";
        if (exists_file(dir / "merges.txt") && exists_file(dir / "vocab.json") &&
            (exists_file(dir / "model.safetensors") || exists_file(dir / "pytorch_model.bin")))
            return "clip";
    }
    return {};
}

}  // namespace

std::vector<ModelSearchRoot> model_search_roots() {
    std::vector<ModelSearchRoot> roots;
    const std::string home = env_or_empty("HOME");
    const std::string xdg_data = env_or_empty("XDG_DATA_HOME");
    if (!xdg_data.empty())
        roots.push_back({fs::path(xdg_data) / "kinema" / "models", "kinema-data"});
    else if (!home.empty())
        roots.push_back({fs::path(home) / ".local/share/kinema/models", "kinema-data"});

    const std::string extra = env_or_empty("KINEMA_MODEL_PATH");
    size_t start = 0;
    while (start < extra.size()) {
        size_t end = extra.find(':', start);
        if (end == std::string::npos) end = extra.size();
        if (end > start)
            roots.push_back({extra.substr(start, end - start), "env:KINEMA_MODEL_PATH"});
        start = end + 1;
    }

    if (const std::string hub = env_or_empty("HF_HUB_CACHE"); !hub.empty())
        roots.push_back({hub, "hf-cache"});
    else if (const std::string hf_home = env_or_empty("HF_HOME"); !hf_home.empty())
        roots.push_back({fs::path(hf_home) / "hub", "hf-cache"});
    else if (!home.empty())
        roots.push_back({fs::path(home) / ".cache/huggingface/hub", "hf-cache"});
    return roots;
}

std::vector<FoundModel> scan_models(const std::vector<ModelSearchRoot>& roots) {
    std::vector<FoundModel> found;
    for (const auto& root : roots) {
        std::error_code ec;
        if (!fs::is_directory(root.path, ec)) continue;
        if (auto kind = classify(root.path); !kind.empty()) found.push_back({root.path, kind});
        fs::recursive_directory_iterator it(root.path,
                                            fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it.depth() >= 4) it.disable_recursion_pending();
            if (!it->is_directory(ec)) continue;
            if (auto kind = classify(it->path()); !kind.empty())
                found.push_back({it->path(), kind});
        }
    }
    return found;
}

}  // namespace kinema
