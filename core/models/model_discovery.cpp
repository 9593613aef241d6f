#include "core/models/model_discovery.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <system_error>

#include "core/io/model_config_reader.h"
#include "core/models/user_model_folders.h"

namespace kinema {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

fs::path canonical_or_self(const fs::path& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p : c;
}

std::string layout_of(const fs::path& folder) {
    const std::string s = folder.generic_string();
    if (s.find("/models/HY-Motion/") != std::string::npos ||
        s.find("/models/hymotion/") != std::string::npos)
        return "comfyui";
    if (s.find("/ckpts/") != std::string::npos) return "official-ckpts";
    return "folder";
}

// The snapshot folder of one hub cache repo: the revision refs/main names when its snapshot
// exists, else the most recently modified snapshot.
fs::path hf_snapshot(const fs::path& repo_dir, std::string& revision) {
    std::ifstream ref(repo_dir / "refs" / "main");
    std::string rev;
    if (ref && std::getline(ref, rev)) {
        while (!rev.empty() && std::isspace(static_cast<unsigned char>(rev.back())))
            rev.pop_back();
        if (!rev.empty() && is_dir(repo_dir / "snapshots" / rev)) {
            revision = rev;
            return repo_dir / "snapshots" / rev;
        }
    }
    fs::path best;
    fs::file_time_type best_time{};
    std::error_code ec;
    for (fs::directory_iterator it(repo_dir / "snapshots", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!it->is_directory(ec)) continue;
        const auto t = fs::last_write_time(it->path(), ec);
        if (best.empty() || t > best_time) {
            best = it->path();
            best_time = t;
        }
    }
    if (!best.empty()) revision = best.filename().string();
    return best;
}

// "models--Qwen--Qwen3-8B" -> "Qwen/Qwen3-8B" ("" for other entries).
std::string hf_repo_name(const std::string& dir_name) {
    const std::string prefix = "models--";
    if (dir_name.rfind(prefix, 0) != 0) return {};
    std::string rest = dir_name.substr(prefix.size());
    const auto sep = rest.find("--");
    if (sep == std::string::npos) return rest;
    return rest.substr(0, sep) + "/" + rest.substr(sep + 2);
}

}  // namespace

fs::path kinema_model_dir() {
    for (const auto& root : model_search_roots())
        if (root.origin == "kinema-data") return root.path;
    return fs::path(".") / "kinema-models";
}

std::vector<ModelSearchRoot> discovery_roots(const DiscoveryOptions& options) {
    std::vector<ModelSearchRoot> base = model_search_roots();  // kinema-data, env, hf-cache
    std::vector<ModelSearchRoot> roots;
    for (const auto& r : base)
        if (r.origin != "hf-cache") roots.push_back(r);
    std::vector<fs::path> users = options.user_folders;
    if (options.include_saved_user_folders)
        for (auto& f : load_user_model_folders(user_model_folders_file()))
            users.push_back(f);
    for (const auto& f : users)
        roots.push_back({f, "user"});
    for (const auto& r : base)
        if (r.origin == "hf-cache") roots.push_back(r);
    if (const char* comfy = std::getenv("COMFYUI_PATH"); comfy && *comfy)
        roots.push_back({fs::path(comfy), "comfyui"});
    if (const char* home = std::getenv("HOME"); home && *home)
        roots.push_back({fs::path(home) / "ComfyUI", "comfyui"});
    return roots;
}

std::string match_catalog_id(const fs::path& folder, const std::string& kind,
                             const std::string& hf_repo) {
    const std::string name = lower(folder.filename().string());
    if (kind == "hymotion-ckpt" || kind == "hymotion-safetensors") {
        if (name == "hy-motion-1.0") return "hy-motion-1.0";
        if (name == "hy-motion-1.0-lite") return "hy-motion-1.0-lite";
        auto config = read_model_config(folder / "config.yml");
        if (!config) return {};
        const auto& net = config->config.network;
        if (net.feat_dim == 1280 && net.num_layers == 27) return "hy-motion-1.0";
        if (net.feat_dim == 1024 && net.num_layers == 18) return "hy-motion-1.0-lite";
        return {};
    }
    if (kind == "qwen3" &&
        (hf_repo == "Qwen/Qwen3-8B" || name.find("qwen3-8b") != std::string::npos))
        return "qwen3-8b";
    if (kind == "clip" && (hf_repo == "openai/clip-vit-large-patch14" ||
                           name.find("clip-vit-large-patch14") != std::string::npos))
        return "clip-vit-l-14";
    return {};
}

std::vector<ModelLocation> discover_models(const DiscoveryOptions& options) {
    std::vector<ModelLocation> out;
    std::set<fs::path> seen;
    auto add = [&](const FoundModel& found, const ModelSearchRoot& root, const std::string& layout,
                   const std::string& repo, const std::string& rev) {
        if (!seen.insert(canonical_or_self(found.folder)).second) return;
        ModelLocation loc;
        loc.folder = found.folder;
        loc.kind = found.kind;
        loc.origin = root.origin;
        loc.layout = layout;
        loc.hf_repo = repo;
        loc.hf_revision = rev;
        loc.catalog_id = match_catalog_id(found.folder, found.kind, repo);
        out.push_back(std::move(loc));
    };
    for (const auto& root : discovery_roots(options)) {
        if (!is_dir(root.path)) continue;
        if (root.origin == "hf-cache") {
            std::error_code ec;
            std::vector<fs::path> repos;
            for (fs::directory_iterator it(root.path, ec), end; !ec && it != end; it.increment(ec))
                if (!hf_repo_name(it->path().filename().string()).empty())
                    repos.push_back(it->path());
            std::sort(repos.begin(), repos.end());
            for (const auto& repo_dir : repos) {
                std::string rev;
                const fs::path snap = hf_snapshot(repo_dir, rev);
                if (snap.empty()) continue;
                const std::string repo = hf_repo_name(repo_dir.filename().string());
                for (const auto& found : scan_models({{snap, root.origin}}))
                    add(found, root, "hf-cache", repo, rev);
            }
            continue;
        }
        // The layouts inside a root, most specific first so each folder gets its layout name.
        const std::vector<fs::path> subroots = {root.path / "ComfyUI/models/HY-Motion/ckpts",
                                                root.path / "ComfyUI/models/hymotion",
                                                root.path / "models/HY-Motion/ckpts",
                                                root.path / "models/hymotion",
                                                root.path / "ckpts",
                                                root.path};
        for (const auto& sub : subroots) {
            if (!is_dir(sub)) continue;
            for (const auto& found : scan_models({{sub, root.origin}}))
                add(found, root, layout_of(found.folder), "", "");
        }
    }
    return out;
}

}  // namespace kinema
