#include "core/models/download_manifest.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/export/atomic_file.h"

namespace kinema {
namespace fs = std::filesystem;
namespace {

nlohmann::json read_doc(const fs::path& folder) {
    std::ifstream in(folder / kDownloadManifestName);
    if (!in) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    return doc.is_object() ? doc : nlohmann::json::object();
}

}  // namespace

std::map<std::string, ManifestFile> read_download_manifest(const fs::path& folder) {
    std::map<std::string, ManifestFile> out;
    const auto doc = read_doc(folder);
    if (!doc.contains("files") || !doc["files"].is_object()) return out;
    for (const auto& [path, f] : doc["files"].items()) {
        if (!f.is_object()) continue;
        ManifestFile m;
        if (f.contains("size_bytes") && f["size_bytes"].is_number_unsigned())
            m.size_bytes = f["size_bytes"].get<uint64_t>();
        if (f.contains("sha256") && f["sha256"].is_string())
            m.sha256 = f["sha256"].get<std::string>();
        out[path] = m;
    }
    return out;
}

Status record_downloaded_file(const fs::path& folder, const std::string& path,
                              const ManifestFile& file, const std::string& source_url) {
    auto doc = read_doc(folder);
    if (!doc.contains("files") || !doc["files"].is_object())
        doc["files"] = nlohmann::json::object();
    nlohmann::json f = {{"size_bytes", file.size_bytes}, {"sha256", file.sha256}};
    if (!source_url.empty()) f["url"] = source_url;
    doc["files"][path] = f;
    return write_file_atomic(folder / kDownloadManifestName, doc.dump(2) + "\n");
}

}  // namespace kinema
