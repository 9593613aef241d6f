// The manifest a download leaves in a model folder (.kinema-manifest.json): per file, the exact
// size and SHA-256 the server announced and the downloader checked. `models verify` uses it when
// the catalog has no hash. Written atomically (temp file + rename). Thread: any.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/result.h"

namespace kinema {

inline constexpr const char* kDownloadManifestName = ".kinema-manifest.json";

struct ManifestFile {
    uint64_t size_bytes = 0;
    std::string sha256;  // lowercase hex
};

// path (relative to the folder) -> recorded file; empty when there is no manifest.
std::map<std::string, ManifestFile> read_download_manifest(const std::filesystem::path& folder);

// Adds or replaces one file's record (read-modify-write of the manifest).
Status record_downloaded_file(const std::filesystem::path& folder, const std::string& path,
                              const ManifestFile& file, const std::string& source_url = {});

}  // namespace kinema
