#include "core/models/user_model_folders.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/export/atomic_file.h"

namespace kinema {
namespace fs = std::filesystem;

fs::path user_model_folders_file() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return fs::path(xdg) / "kinema" / "model-folders.json";
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : ".") / ".config" / "kinema" / "model-folders.json";
}

std::vector<fs::path> load_user_model_folders(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return {};
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::vector<fs::path> out;
    if (!doc.is_object() || !doc.contains("folders") || !doc["folders"].is_array()) return out;
    for (const auto& f : doc["folders"])
        if (f.is_string() && !f.get<std::string>().empty()) out.emplace_back(f.get<std::string>());
    return out;
}

Status save_user_model_folders(const fs::path& file, const std::vector<fs::path>& folders) {
    nlohmann::json doc;
    doc["folders"] = nlohmann::json::array();
    for (const auto& f : folders)
        doc["folders"].push_back(f.string());
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return make_error(ErrorKind::Io, "cannot create " + file.parent_path().string());
    return write_file_atomic(file, doc.dump(2) + "\n");
}

namespace {
fs::path normalise(const fs::path& folder) {
    std::error_code ec;
    fs::path abs = fs::absolute(folder, ec);
    if (ec) abs = folder;
    abs = abs.lexically_normal();
    if (abs.has_filename() == false && abs.has_parent_path() && abs != abs.root_path())
        abs = abs.parent_path();  // drop a trailing '/'
    return abs;
}
}  // namespace

Result<bool> add_user_model_folder(const fs::path& file, const fs::path& folder) {
    const fs::path abs = normalise(folder);
    std::error_code ec;
    if (!fs::is_directory(abs, ec))
        return make_error(ErrorKind::InvalidRequest, abs.string() + " is not a folder");
    auto folders = load_user_model_folders(file);
    if (std::find(folders.begin(), folders.end(), abs) != folders.end()) return false;
    folders.push_back(abs);
    KINEMA_TRY_STATUS(save_user_model_folders(file, folders));
    return true;
}

Result<bool> remove_user_model_folder(const fs::path& file, const fs::path& folder) {
    const fs::path abs = normalise(folder);
    auto folders = load_user_model_folders(file);
    const auto before = folders.size();
    folders.erase(std::remove(folders.begin(), folders.end(), abs), folders.end());
    if (folders.size() == before) return false;
    KINEMA_TRY_STATUS(save_user_model_folders(file, folders));
    return true;
}

}  // namespace kinema
