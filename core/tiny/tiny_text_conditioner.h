// TinyTextConditioner: kinema-tiny's TextConditioner (see core/text/text_conditioner.h). Encodes a
// prompt with TinyVocab + TinyTextEncoder into vtxt (1,1,W), ctxt (1,L,W), ctxt_length (1,) = L.
// Thread: the engine's worker thread (one call at a time).
#pragma once

#include <memory>
#include <string>

#include "core/text/text_conditioner.h"
#include "core/tiny/tiny_text_encoder.h"
#include "core/tiny/tiny_vocab.h"

namespace kinema {

class TinyTextConditioner : public TextConditioner {
public:
    TinyTextConditioner(std::shared_ptr<const TinyTextEncoder> encoder,
                        std::shared_ptr<const TinyVocab> vocab, std::string cache_key);

    std::string cache_key() const override { return cache_key_; }
    Result<TextFeatures> encode(const std::string& prompt,
                                const std::atomic<bool>* cancel) override;
    uint64_t resident_bytes() const override;
    void release() override {}

private:
    std::shared_ptr<const TinyTextEncoder> encoder_;
    std::shared_ptr<const TinyVocab> vocab_;
    std::string cache_key_;
};

}  // namespace kinema
