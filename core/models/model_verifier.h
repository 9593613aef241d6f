// Checks that a folder holds a complete, intact copy of a catalog model: every expected file is
// there, its size matches, and (when asked) its SHA-256 matches. Expected hashes come from, in
// order: the catalog, the folder's download manifest (core/models/download_manifest.h), and the
// Hugging Face cache itself (a snapshot file links to blobs/<sha256> for LFS files).
// Thread: any; hashing streams each file (4 MiB chunks) on the calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/models/model_catalog.h"
#include "core/result.h"

namespace kinema {

struct FileCheck {
    std::string path;  // relative to the folder
    // "ok" (size and hash match), "present" (size matches, no hash known or hashing skipped),
    // "missing", "size-mismatch", "hash-mismatch"
    std::string status;
    uint64_t size_bytes = 0;
    uint64_t expected_size_bytes = 0;  // 0: unknown
    std::string sha256;                // when hashed
    std::string expected_sha256;       // "" when unknown
    std::string expected_from;         // "catalog", "manifest", "hf-blob", ""
};

struct VerifyReport {
    std::string catalog_id;
    std::filesystem::path folder;
    bool complete = false;  // every file present with a plausible size, no mismatch
    bool hashed = false;    // hashes were computed
    uint64_t present_bytes = 0;
    std::vector<FileCheck> files;
};

struct VerifyOptions {
    bool hash = true;
    // (bytes hashed so far over all files, total bytes to hash); false cancels.
    std::function<bool(uint64_t, uint64_t)> on_progress;
};

// Cancelled when on_progress returned false; Io only when a present file cannot be read.
Result<VerifyReport> verify_model_folder(const CatalogEntry& entry,
                                         const std::filesystem::path& folder,
                                         const VerifyOptions& options = {});

}  // namespace kinema
