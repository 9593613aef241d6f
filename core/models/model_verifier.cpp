#include "core/models/model_verifier.h"

#include <system_error>

#include "core/models/download_manifest.h"
#include "core/models/sha256.h"

namespace kinema {
namespace fs = std::filesystem;
namespace {

// The hub cache stores LFS files as blobs/<sha256>; a snapshot entry is a symlink to it.
std::string hf_blob_sha(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_symlink(file, ec)) return {};
    const fs::path target = fs::read_symlink(file, ec);
    if (ec) return {};
    const std::string name = target.filename().string();
    return is_sha256_hex(name) ? name : std::string();
}

bool size_plausible(uint64_t actual, uint64_t expected, bool exact) {
    if (expected == 0) return actual > 0;
    if (exact) return actual == expected;
    const double rel = (double(actual) - double(expected)) / double(expected);
    return rel > -0.01 && rel < 0.01;
}

}  // namespace

Result<VerifyReport> verify_model_folder(const CatalogEntry& entry, const fs::path& folder,
                                         const VerifyOptions& options) {
    VerifyReport report;
    report.catalog_id = entry.id;
    report.folder = folder;
    const auto manifest = read_download_manifest(folder);
    uint64_t to_hash = 0;
    for (const auto& f : entry.files) {
        FileCheck c;
        c.path = f.path;
        const fs::path local = folder / f.path;
        std::error_code ec;
        const bool present = fs::is_regular_file(local, ec);
        if (present) c.size_bytes = static_cast<uint64_t>(fs::file_size(local, ec));
        bool exact = f.size_exact;
        c.expected_size_bytes = f.size_bytes;
        if (!f.sha256.empty()) {
            c.expected_sha256 = f.sha256;
            c.expected_from = "catalog";
        }
        if (auto it = manifest.find(f.path); it != manifest.end()) {
            if (it->second.size_bytes > 0) {
                c.expected_size_bytes = it->second.size_bytes;
                exact = true;
            }
            if (c.expected_sha256.empty() && !it->second.sha256.empty()) {
                c.expected_sha256 = it->second.sha256;
                c.expected_from = "manifest";
            }
        }
        if (c.expected_sha256.empty()) {
            c.expected_sha256 = hf_blob_sha(local);
            if (!c.expected_sha256.empty()) c.expected_from = "hf-blob";
        }
        if (!present)
            c.status = "missing";
        else if (!size_plausible(c.size_bytes, c.expected_size_bytes, exact))
            c.status = "size-mismatch";
        else
            c.status = "present";
        if (present) report.present_bytes += c.size_bytes;
        if (options.hash && c.status == "present") to_hash += c.size_bytes;
        report.files.push_back(std::move(c));
    }
    uint64_t hashed = 0;
    if (options.hash) {
        report.hashed = true;
        for (auto& c : report.files) {
            if (c.status != "present") continue;
            const uint64_t base = hashed;
            auto sha = sha256_file(folder / c.path, [&](uint64_t done) {
                return !options.on_progress || options.on_progress(base + done, to_hash);
            });
            if (!sha) return sha.error();
            hashed += c.size_bytes;
            c.sha256 = *sha;
            if (!c.expected_sha256.empty())
                c.status = (c.sha256 == c.expected_sha256) ? "ok" : "hash-mismatch";
        }
    }
    report.complete = true;
    for (const auto& c : report.files)
        if (c.status != "ok" && c.status != "present") report.complete = false;
    return report;
}

}  // namespace kinema
