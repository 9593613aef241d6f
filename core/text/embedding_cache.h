// EmbeddingCache: text features on disk, one .safetensors file per (encoder cache key, prompt)
// under a cache folder, so a re-run or a new seed never loads the encoders. Files hold
// text_vec_raw (1,1,Cv) float32, text_ctxt_raw (1,Lt,Cc) float32, text_ctxt_raw_length (1,) int64
// and metadata kinema.cache_key / kinema.prompt (checked on read, so a hash collision is a miss).
// Writes are atomic (temp file + rename). Thread: any; concurrent writers of one entry are safe
// (last rename wins, both files are complete).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema::text {

// Writes features under `key_prefix` + {text_vec_raw, text_ctxt_raw, text_ctxt_raw_length}
// (prefix "in." gives the keys of the fixtures' pipeline inputs, read by `kinema-cli dev sample`).
Status write_text_features(const std::filesystem::path& path, const TextFeatures& features,
                           const std::string& key_prefix = "",
                           const std::map<std::string, std::string>& metadata = {});

// Reads them back as owned float32 / int64 tensors (Io, BadModelFile, ShapeMismatch).
Result<TextFeatures> read_text_features(const std::filesystem::path& path,
                                        const std::string& key_prefix = "");

class EmbeddingCache {
public:
    explicit EmbeddingCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // dir / "<32 hex digits of hash(key, prompt)>.safetensors"
    std::filesystem::path path_for(const std::string& cache_key, const std::string& prompt) const;

    // The cached features, or nullopt on a miss (absent, unreadable or another key/prompt).
    std::optional<TextFeatures> load(const std::string& cache_key, const std::string& prompt) const;

    // Creates the folder when needed. Io / InvalidRequest (e.g. a prompt that is not UTF-8).
    Status store(const std::string& cache_key, const std::string& prompt,
                 const TextFeatures& features) const;

    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

}  // namespace kinema::text
