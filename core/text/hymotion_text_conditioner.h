// HyMotionTextConditioner: HY-Motion 1.0's text encoding (spec hymotion-1.0.md §3), natively:
//   ctxt = Qwen3 hidden_states[-1] of the chat-templated prompt, padded/truncated on the right to
//          crop_start + max_length_llm with <|endoftext|>, sliced [crop_start, crop_start +
//          max_length_llm) -> (1, max_length_llm, hidden) float32;
//   ctxt_length = clamp(sum(mask) - crop_start, 0, max_length_llm) -> (1,) int64;
//   vtxt = CLIP text tower pooler_output of the CLIP-tokenised prompt (<= 77 ids, unpadded)
//          -> (1, 1, 768) float32.
// Construction reads nothing; tokenizers and weights load on the first encode() (or load()) and
// stay until release(). cache_key() reads only the folders' config.json and weight file sizes.
// Thread: the engine's worker thread; progress callbacks run on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/text/clip_text_encoder.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/hymotion_prompt.h"
#include "core/text/qwen3_encoder.h"
#include "core/text/text_conditioner.h"

namespace kinema::text {

enum class TextStage { LoadingQwen, EncodingQwen, LoadingClip, EncodingClip };

struct HyMotionTextOptions {
    std::filesystem::path qwen_dir;  // Qwen3-8B: config.json, tokenizer files, safetensors
    std::filesystem::path clip_dir;  // clip-vit-large-patch14: config.json, vocab/merges, weights
    WeightPrecision precision = WeightPrecision::BF16;  // Qwen3 linear weights (CLIP is float32)
    int64_t max_length_llm = 128;       // text_encoder_cfg.max_length_llm of the model config
    std::filesystem::path quant_cache;  // optional, see Qwen3LoadOptions::quant_cache
    // Where Qwen3 runs (weights stay in host memory and stream per layer; see
    // Qwen3Encoder::forward). CLIP runs on the CPU. Features are returned on the CPU.
    at::Device qwen_device = at::Device(at::kCPU);
    // (stage, done, total) after each layer; owned by the conditioner's creator.
    std::function<void(TextStage, int64_t, int64_t)> on_progress;
};

class HyMotionTextConditioner final : public TextConditioner {
public:
    explicit HyMotionTextConditioner(HyMotionTextOptions options);

    std::string cache_key() const override { return cache_key_; }
    Result<TextFeatures> encode(const std::string& prompt,
                                const std::atomic<bool>* cancel) override;
    uint64_t resident_bytes() const override;
    void release() override;

    // Loads tokenizers and both encoders now (no-op when loaded). Errors as the loaders'.
    Status load(const std::atomic<bool>* cancel = nullptr);
    bool loaded() const { return qwen_.has_value(); }
    // The Qwen3 input for `prompt` (loads the Qwen tokenizer when needed).
    Result<HyMotionLlmInput> llm_input(const std::string& prompt);
    // crop_start of the loaded tokenizer (load() first; 0 before).
    int64_t crop_start() const { return prompt_ ? prompt_->crop_start() : 0; }

private:
    Status load_tokenizers();

    HyMotionTextOptions options_;
    std::string cache_key_;
    std::optional<HyMotionPrompt> prompt_;
    std::optional<ClipTokenizer> clip_tokenizer_;
    std::optional<Qwen3Encoder> qwen_;
    std::optional<ClipTextEncoder> clip_;
};

// The engine's factory: HY-Motion's conditioner, behind the embedding cache when cache_dir is not
// empty. Reads nothing until the first encode().
std::unique_ptr<TextConditioner> make_hymotion_text_conditioner(
    HyMotionTextOptions options, const std::filesystem::path& cache_dir = {});

}  // namespace kinema::text
