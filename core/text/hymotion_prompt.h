// HY-Motion 1.0's Qwen3 input (hymotion/network/text_encoders/text_encoder.py @ 9993ccd8):
//   text = apply_chat_template([system: kSystemPrompt, user: prompt], tokenize=False,
//                              add_generation_prompt=False, enable_thinking=False)
//        = "<|im_start|>system\n" + kSystemPrompt + "<|im_end|>\n<|im_start|>user\n" + prompt +
//          "<|im_end|>\n"
//   crop_start = index of tokenize("<BOC>") inside tokenize(template with "<BOC>" as the prompt)
//   ids = tokenize(text) truncated on the right / padded on the right with <|endoftext|> (151643)
//         to crop_start + max_length_llm, mask 1 on real tokens,
//   ctxt_length = clamp(sum(mask) - crop_start, 0, max_length_llm).
// The model then reads hidden_states[-1][:, crop_start : crop_start + max_length_llm].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text/qwen_tokenizer.h"

namespace kinema::text {

struct HyMotionLlmInput {
    std::vector<int32_t> input_ids;       // crop_start + max_length_llm ids
    std::vector<int32_t> attention_mask;  // same length; 1 for real tokens, 0 for padding
    int64_t ctxt_length = 0;              // valid tokens after crop_start, in [0, max_length_llm]
};

class HyMotionPrompt {
public:
    // PROMPT_TEMPLATE_ENCODE_HUMAN_MOTION (model_constants.py): a triple-quoted Python literal, so
    // it starts with "\n    " and ends with "\n" (449 characters).
    static constexpr std::string_view kSystemPrompt =
        "\n    Summarize human motion only from the user text for representation: action "
        "categories, key body-part movements, order/transitions, trajectory/direction, posture; "
        "include style/emotion/speed only if present. Explicitly capture laterality (left/right) "
        "when mentioned; do not guess. If multiple actions are described, indicate the count of "
        "distinct actions (e.g., actions=3) and their order. Do not invent missing info. Keep one "
        "concise paragraph.\n";
    static constexpr std::string_view kCropMarker = "<BOC>";
    static constexpr int32_t kPadId = QwenTokenizer::kEndOfText;
    static constexpr int64_t kShippedMaxLengthLlm = 128;  // max_length_llm of the shipped config
    static constexpr int64_t kDefaultMaxLengthLlm = 512;  // HYTextModel's argument default

    // The chat-templated text for one prompt (the prompt is inserted verbatim).
    static std::string render(std::string_view prompt);

    // _compute_crop_start: where the marker's tokens start in the templated marker; when they are
    // not found, max(0, len(ids) - 1) as upstream does.
    static int64_t compute_crop_start(const QwenTokenizer& tokenizer);

    // Binds a tokenizer and max_length_llm (>= 1, else InvalidRequest) and computes crop_start.
    static Result<HyMotionPrompt> create(QwenTokenizer tokenizer, int64_t max_length_llm);

    HyMotionLlmInput encode(std::string_view prompt) const;

    int64_t crop_start() const { return crop_start_; }
    int64_t max_length_llm() const { return max_length_llm_; }
    int64_t max_length() const { return crop_start_ + max_length_llm_; }  // ids per prompt
    const QwenTokenizer& tokenizer() const { return tokenizer_; }

private:
    HyMotionPrompt(QwenTokenizer tokenizer, int64_t crop_start, int64_t max_length_llm);
    QwenTokenizer tokenizer_;
    int64_t crop_start_ = 0;
    int64_t max_length_llm_ = 0;
};

}  // namespace kinema::text
