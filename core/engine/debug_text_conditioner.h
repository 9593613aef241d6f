// DebugTextConditioner: the text side of the built-in "debug-random" model (random DiT weights, for
// UI and pipeline development without any download). Each lower-cased word maps to a fixed random
// vector seeded by its hash, the pooled vector to one seeded by the whole prompt. Deterministic,
// meaningless as language, and labelled so everywhere. Thread: engine worker only.
#pragma once

#include <cstdint>
#include <string>

#include "core/text/text_conditioner.h"

namespace kinema {

class DebugTextConditioner final : public TextConditioner {
public:
    DebugTextConditioner(int64_t ctxt_dim, int64_t vtxt_dim, int64_t max_tokens);

    std::string cache_key() const override;
    Result<TextFeatures> encode(const std::string& prompt,
                                const std::atomic<bool>* cancel) override;
    uint64_t resident_bytes() const override { return 0; }
    void release() override {}

private:
    int64_t ctxt_dim_, vtxt_dim_, max_tokens_;
};

}  // namespace kinema
