#include "core/text/cached_text_conditioner.h"

namespace kinema::text {

Result<TextFeatures> CachedTextConditioner::encode(const std::string& prompt,
                                                   const std::atomic<bool>* cancel) {
    const std::string key = inner_->cache_key();
    last_store_error_.reset();
    if (auto hit = cache_.load(key, prompt)) {
        last_hit_ = true;
        return std::move(*hit);
    }
    last_hit_ = false;
    auto features = inner_->encode(prompt, cancel);
    if (!features) return features.error();
    if (Status st = cache_.store(key, prompt, *features); !st) last_store_error_ = st.error();
    return features;
}

}  // namespace kinema::text
