#include "core/text/hymotion_prompt.h"

#include <algorithm>

namespace kinema::text {

HyMotionPrompt::HyMotionPrompt(QwenTokenizer tokenizer, int64_t crop_start, int64_t max_length_llm)
    : tokenizer_(std::move(tokenizer)), crop_start_(crop_start), max_length_llm_(max_length_llm) {}

std::string HyMotionPrompt::render(std::string_view prompt) {
    std::string text;
    text.reserve(kSystemPrompt.size() + prompt.size() + 64);
    text += "<|im_start|>system\n";
    text += kSystemPrompt;
    text += "<|im_end|>\n<|im_start|>user\n";
    text += prompt;
    text += "<|im_end|>\n";
    return text;
}

int64_t HyMotionPrompt::compute_crop_start(const QwenTokenizer& tokenizer) {
    const std::vector<int32_t> full = tokenizer.encode(render(kCropMarker));
    const std::vector<int32_t> marker = tokenizer.encode(kCropMarker);
    const auto it = std::search(full.begin(), full.end(), marker.begin(), marker.end());
    if (!marker.empty() && it != full.end()) return it - full.begin();
    return std::max<int64_t>(0, static_cast<int64_t>(full.size()) - 1);
}

Result<HyMotionPrompt> HyMotionPrompt::create(QwenTokenizer tokenizer, int64_t max_length_llm) {
    if (max_length_llm < 1)
        return make_error(ErrorKind::InvalidRequest, "max_length_llm must be at least 1, got " +
                                                         std::to_string(max_length_llm));
    const int64_t crop_start = compute_crop_start(tokenizer);
    return HyMotionPrompt(std::move(tokenizer), crop_start, max_length_llm);
}

HyMotionLlmInput HyMotionPrompt::encode(std::string_view prompt) const {
    HyMotionLlmInput input;
    input.input_ids = tokenizer_.encode(render(prompt));
    const auto length = static_cast<size_t>(max_length());
    const size_t real = std::min(input.input_ids.size(), length);
    input.input_ids.resize(length, kPadId);
    input.attention_mask.assign(length, 0);
    std::fill_n(input.attention_mask.begin(), real, 1);
    input.ctxt_length =
        std::clamp<int64_t>(static_cast<int64_t>(real) - crop_start_, 0, max_length_llm_);
    return input;
}

}  // namespace kinema::text
