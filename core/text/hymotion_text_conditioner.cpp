#include "core/text/hymotion_text_conditioner.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "core/text/cached_text_conditioner.h"
#include "core/text/stable_hash.h"

namespace kinema::text {
namespace fs = std::filesystem;

HyMotionTextConditioner::HyMotionTextConditioner(HyMotionTextOptions options)
    : options_(std::move(options)) {
    // int4 embeddings depend on how the codes were chosen (bf16/int8 keys are unchanged).
    const std::string int4_suffix = options_.precision == WeightPrecision::Int4
                                        ? "/" + std::string(to_string(kDefaultInt4Method))
                                        : std::string();
    const std::string identity = "qwen{" + qwen3_folder_fingerprint(options_.qwen_dir) + "}clip{" +
                                 clip_folder_fingerprint(options_.clip_dir) +
                                 "}precision=" + std::string(to_string(options_.precision)) +
                                 int4_suffix +
                                 ";max_length_llm=" + std::to_string(options_.max_length_llm);
    cache_key_ = "hymotion-text/1:" + stable_hash_hex(identity);
}

Status HyMotionTextConditioner::load_tokenizers() {
    if (!prompt_) {
        auto tok = QwenTokenizer::load(options_.qwen_dir);
        if (!tok) return tok.error();
        auto prompt = HyMotionPrompt::create(std::move(*tok), options_.max_length_llm);
        if (!prompt) return prompt.error();
        prompt_.emplace(std::move(*prompt));
    }
    if (!clip_tokenizer_) {
        auto tok = ClipTokenizer::load(options_.clip_dir);
        if (!tok) return tok.error();
        clip_tokenizer_.emplace(std::move(*tok));
    }
    return {};
}

Status HyMotionTextConditioner::load(const std::atomic<bool>* cancel) {
    KINEMA_TRY_STATUS(load_tokenizers());
    if (!qwen_) {
        Qwen3LoadOptions o;
        o.precision = options_.precision;
        o.quant_cache = options_.quant_cache;
        o.cancel = cancel;
        if (options_.on_progress)
            o.on_progress = [this](int64_t d, int64_t t) {
                options_.on_progress(TextStage::LoadingQwen, d, t);
            };
        auto q = Qwen3Encoder::load(options_.qwen_dir, o);
        if (!q) return q.error();
        qwen_.emplace(std::move(*q));
    }
    if (!clip_) {
        if (options_.on_progress) options_.on_progress(TextStage::LoadingClip, 0, 1);
        auto c = ClipTextEncoder::load(options_.clip_dir);
        if (!c) return c.error();
        clip_.emplace(std::move(*c));
        if (options_.on_progress) options_.on_progress(TextStage::LoadingClip, 1, 1);
    }
    return {};
}

Result<HyMotionLlmInput> HyMotionTextConditioner::llm_input(const std::string& prompt) {
    KINEMA_TRY_STATUS(load_tokenizers());
    return prompt_->encode(prompt);
}

Result<TextFeatures> HyMotionTextConditioner::encode(const std::string& prompt,
                                                     const std::atomic<bool>* cancel) {
    KINEMA_TRY_STATUS(load(cancel));
    const HyMotionLlmInput input = prompt_->encode(prompt);
    const std::vector<int32_t> clip_ids = clip_tokenizer_->encode(prompt);
    try {
        const auto len = static_cast<int64_t>(input.input_ids.size());
        const at::Tensor ids =
            at::tensor(at::ArrayRef<int32_t>(input.input_ids)).to(at::kLong).view({1, len});
        const at::Tensor mask =
            at::tensor(at::ArrayRef<int32_t>(input.attention_mask)).to(at::kLong).view({1, len});
        LayerProgress on_layer;
        if (options_.on_progress)
            on_layer = [this](int64_t d, int64_t t) {
                options_.on_progress(TextStage::EncodingQwen, d, t);
            };
        auto hidden = qwen_->forward(ids, mask, cancel, on_layer, options_.qwen_device);
        if (!hidden) return hidden.error();
        TextFeatures f;
        f.ctxt =
            hidden->narrow(1, prompt_->crop_start(), prompt_->max_length_llm()).cpu().contiguous();
        f.ctxt_length = at::tensor({input.ctxt_length}, at::TensorOptions().dtype(at::kLong));

        if (options_.on_progress) options_.on_progress(TextStage::EncodingClip, 0, 1);
        const at::Tensor cids = at::tensor(at::ArrayRef<int32_t>(clip_ids))
                                    .to(at::kLong)
                                    .view({1, static_cast<int64_t>(clip_ids.size())});
        auto clip = clip_->forward(cids, {}, cancel);
        if (!clip) return clip.error();
        f.vtxt = clip->pooler_output.unsqueeze(1).contiguous();  // (1, 1, hidden)
        if (options_.on_progress) options_.on_progress(TextStage::EncodingClip, 1, 1);
        return f;
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("text encoding: ") + e.what_without_backtrace());
    }
}

uint64_t HyMotionTextConditioner::resident_bytes() const {
    return (qwen_ ? qwen_->size_bytes() : 0) + (clip_ ? clip_->size_bytes() : 0);
}

void HyMotionTextConditioner::release() {
    qwen_.reset();
    clip_.reset();
}

std::unique_ptr<TextConditioner> make_hymotion_text_conditioner(HyMotionTextOptions options,
                                                                const fs::path& cache_dir) {
    auto inner = std::make_unique<HyMotionTextConditioner>(std::move(options));
    if (cache_dir.empty()) return inner;
    return std::make_unique<CachedTextConditioner>(std::move(inner), EmbeddingCache(cache_dir));
}

}  // namespace kinema::text
