// The models Kinema knows how to fetch: where they live on the Hugging Face hub, which files make
// them complete, their sizes and licences (shown before a download starts).
// Sizes marked !size_exact are the hub's rounded figures (../shared/spec/hymotion-1.0.md §7); the
// exact size and SHA-256 come from the server at download time (X-Linked-Size / X-Linked-Etag) and
// are recorded in the folder's manifest (core/models/download_manifest.h).
// Thread: pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kinema {

struct CatalogFile {
    std::string path;         // relative to the entry's folder, e.g. "latest.ckpt"
    uint64_t size_bytes = 0;  // 0: unknown
    bool size_exact = false;  // false: a rounded figure (verification allows 1 %)
    std::string sha256;       // lowercase hex; empty: unknown (the server's ETag is used)
};

struct CatalogEntry {
    std::string id;            // "hy-motion-1.0", "hy-motion-1.0-lite", "qwen3-8b", "clip-vit-l-14"
    std::string display_name;  // "HY-Motion-1.0"
    std::string kind;  // "hymotion", "qwen3", "clip" (core/model_paths.h FoundModel::kind family)
    std::string role;  // one line: what Kinema uses it for
    std::string repo;  // "tencent/HY-Motion-1.0"
    std::string revision = "main";
    std::string subfolder;     // the entry's files live under <repo>/<subfolder>/ ("" = root)
    std::string local_name;    // folder name under Kinema's model folder ("HY-Motion-1.0")
    std::string licence;       // "Apache-2.0", "Tencent HY-Motion 1.0 Community License"
    std::string licence_url;   // where to read it
    std::string licence_note;  // restrictions worth showing before download ("" = none)
    uint64_t approx_total_bytes = 0;  // when per-file sizes are unknown (Qwen3 shards)
    std::vector<CatalogFile> files;

    // Sum of the known file sizes, or approx_total_bytes when that is larger.
    uint64_t total_bytes() const;
    // "<subfolder>/<path>" (the path inside the repo).
    std::string remote_path(const CatalogFile& file) const;
};

// HY-Motion-1.0, HY-Motion-1.0-Lite, Qwen3-8B, CLIP ViT-L/14 (in that order).
std::vector<CatalogEntry> model_catalog();

std::optional<CatalogEntry> find_catalog_entry(const std::string& id);

// "<endpoint>/<repo>/resolve/<revision>/<path>"; endpoint without a trailing slash is fine.
std::string hub_file_url(const std::string& endpoint, const CatalogEntry& entry,
                         const CatalogFile& file);

// $HF_ENDPOINT, else "https://huggingface.co" (trailing slashes removed).
std::string hub_endpoint();

}  // namespace kinema
