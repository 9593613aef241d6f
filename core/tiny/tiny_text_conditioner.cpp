#include "core/tiny/tiny_text_conditioner.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace kinema {

TinyTextConditioner::TinyTextConditioner(std::shared_ptr<const TinyTextEncoder> encoder,
                                         std::shared_ptr<const TinyVocab> vocab,
                                         std::string cache_key)
    : encoder_(std::move(encoder)), vocab_(std::move(vocab)), cache_key_(std::move(cache_key)) {}

Result<TextFeatures> TinyTextConditioner::encode(const std::string& prompt,
                                                 const std::atomic<bool>* cancel) {
    if (cancel && cancel->load())
        return make_error(ErrorKind::Cancelled, "text encoding cancelled");
    try {
        c10::InferenceMode guard;
        const auto ids = vocab_->encode(prompt, static_cast<size_t>(encoder_->config().max_tokens));
        const auto n = static_cast<int64_t>(ids.size());
        const at::Tensor id_t = at::tensor(ids, at::kLong).view({1, n});
        const at::Tensor valid = at::ones({1, n}, at::kBool);
        auto out = encoder_->forward(id_t, valid);
        TextFeatures f;
        f.vtxt = out.vtxt.to(at::kFloat);
        f.ctxt = out.ctxt.to(at::kFloat);
        f.ctxt_length = at::full({1}, n, at::kLong);
        return f;
    } catch (const c10::Error& err) {
        return make_error(ErrorKind::Internal, std::string("kinema-tiny text encoder failed: ") +
                                                   err.what_without_backtrace());
    }
}

uint64_t TinyTextConditioner::resident_bytes() const {
    uint64_t total = 0;
    for (const auto& e : encoder_->registry().entries())
        if (e.slot && e.slot->defined()) total += static_cast<uint64_t>(e.slot->nbytes());
    return total;
}

}  // namespace kinema
