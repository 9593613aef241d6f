// CachedTextConditioner: the embedding cache in front of another conditioner. encode() returns
// the cached features for (inner->cache_key(), prompt) without calling the inner conditioner at
// all (so its weights are never loaded); on a miss it encodes and stores. A failed store does not
// fail encode(); it is kept in last_store_error() for the caller to log.
// Thread: as TextConditioner (the engine's worker thread).
#pragma once

#include <memory>
#include <optional>

#include "core/text/embedding_cache.h"
#include "core/text/text_conditioner.h"

namespace kinema::text {

class CachedTextConditioner final : public TextConditioner {
public:
    CachedTextConditioner(std::unique_ptr<TextConditioner> inner, EmbeddingCache cache)
        : inner_(std::move(inner)), cache_(std::move(cache)) {}

    std::string cache_key() const override { return inner_->cache_key(); }
    Result<TextFeatures> encode(const std::string& prompt,
                                const std::atomic<bool>* cancel) override;
    uint64_t resident_bytes() const override { return inner_->resident_bytes(); }
    void release() override { inner_->release(); }

    bool last_was_hit() const { return last_hit_; }
    const std::optional<Error>& last_store_error() const { return last_store_error_; }
    TextConditioner& inner() { return *inner_; }

private:
    std::unique_ptr<TextConditioner> inner_;
    EmbeddingCache cache_;
    bool last_hit_ = false;
    std::optional<Error> last_store_error_;
};

}  // namespace kinema::text
