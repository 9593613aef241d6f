// TextConditioner: turns one prompt into the DiT's text features (TextFeatures: pooled vtxt, token
// ctxt and its valid length). Implementations: HY-Motion's Qwen3-8B + CLIP-L pair, kinema-tiny's
// own trained encoder, and the on-disk embedding cache in front of either.
// Thread: called on the engine's worker thread only. Ownership: the engine owns conditioners.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "core/sampling/hymotion_sampler.h"

namespace kinema {

class TextConditioner {
public:
    virtual ~TextConditioner() = default;

    // Identifies the encoder configuration (model files, precision, max lengths) for the embedding
    // cache: equal keys must give equal features for equal prompts.
    virtual std::string cache_key() const = 0;

    // Features for `prompt` with leading dim 1: vtxt (1,1,Cv), ctxt (1,Lt,Cc), ctxt_length (1,).
    // Cancelled when *cancel becomes true (polled between layers).
    virtual Result<TextFeatures> encode(const std::string& prompt,
                                        const std::atomic<bool>* cancel) = 0;

    // Bytes of weights this conditioner holds in memory now (0 when released).
    virtual uint64_t resident_bytes() const = 0;

    // Frees the weights (the staged pipeline releases encoders before the DiT runs); the next
    // encode() loads them again.
    virtual void release() = 0;
};

}  // namespace kinema
