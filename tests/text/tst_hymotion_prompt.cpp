// HY-Motion's Qwen3 prompt: the exact system prompt and chat template, crop_start by the "<BOC>"
// marker method, right padding with <|endoftext|>, attention mask and ctxt_length.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/text/hymotion_prompt.h"
#include "tests/text/text_vectors.h"
#include "tests/text/tst_tokenizers.h"

using namespace kinema;
using namespace kinema::test;
using text::HyMotionPrompt;

namespace {

nlohmann::json derived_vectors() {
    std::ifstream in(text_fixture("qwen/vectors/DERIVED_hymotion_prompt_vectors.json"));
    return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace

void TstTokenizers::hymotionSystemPrompt() {
    const std::string_view sys = HyMotionPrompt::kSystemPrompt;
    QCOMPARE(sys.size(), size_t{449});
    QVERIFY(sys.starts_with("\n    Summarize human motion only from the user text"));
    QVERIFY(sys.ends_with("Keep one concise paragraph.\n"));
    const auto doc = derived_vectors();
    QVERIFY(doc.is_object());
    QCOMPARE(std::string(sys), doc["qwen3_system_prompt"].get<std::string>());
    QCOMPARE(HyMotionPrompt::render("hi"), "<|im_start|>system\n" + std::string(sys) +
                                               "<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n");
}

void TstTokenizers::hymotionCropStart() {
    QCOMPARE(HyMotionPrompt::compute_crop_start(*qwen_), int64_t{101});
    QCOMPARE(qwen_->encode(HyMotionPrompt::kCropMarker), (std::vector<int32_t>{27, 4677, 34, 29}));
    auto prompt = HyMotionPrompt::create(*qwen_, HyMotionPrompt::kShippedMaxLengthLlm);
    QVERIFY(prompt.ok());
    QCOMPARE(prompt->crop_start(), int64_t{101});
    QCOMPARE(prompt->max_length(), int64_t{101 + 128});
    // crop_start is the number of tokens before the user text.
    const auto prefix = qwen_->encode(HyMotionPrompt::render("").substr(
        0, HyMotionPrompt::render("").size() - std::string("<|im_end|>\n").size()));
    QCOMPARE(int64_t(prefix.size()), prompt->crop_start());
    const auto bad = HyMotionPrompt::create(*qwen_, 0);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().kind, ErrorKind::InvalidRequest);
}

void TstTokenizers::hymotionDerivedVectors_data() {
    QTest::addColumn<QByteArray>("prompt");
    QTest::addColumn<QByteArray>("rendered");
    QTest::addColumn<QList<int>>("qwen_ids");
    QTest::addColumn<QList<int>>("clip_ids");
    const auto doc = derived_vectors();
    QVERIFY(doc.is_object());
    QCOMPARE(doc["cases"].size(), size_t{3});
    for (const auto& c : doc["cases"]) {
        const auto prompt = c["prompt"].get<std::string>();
        QTest::newRow(prompt.c_str())
            << QByteArray::fromStdString(prompt)
            << QByteArray::fromStdString(c["qwen3_rendered"].get<std::string>())
            << to_qlist(c["qwen3_ids"].get<std::vector<int32_t>>())
            << to_qlist(c["clip_ids"].get<std::vector<int32_t>>());
    }
}

void TstTokenizers::hymotionDerivedVectors() {
    QFETCH(QByteArray, prompt);
    QFETCH(QByteArray, rendered);
    QFETCH(QList<int>, qwen_ids);
    QFETCH(QList<int>, clip_ids);
    QCOMPARE(QByteArray::fromStdString(HyMotionPrompt::render(prompt.toStdString())), rendered);
    QCOMPARE(to_qlist(qwen_->encode(rendered.toStdString())), qwen_ids);
    QCOMPARE(to_qlist(clip_->encode(prompt.toStdString())), clip_ids);
    QCOMPARE(
        to_qlist(
            clip_->with_flavor(text::ClipTokenizer::Flavor::HfFast).encode(prompt.toStdString())),
        clip_ids);

    for (int64_t max_llm :
         {HyMotionPrompt::kShippedMaxLengthLlm, HyMotionPrompt::kDefaultMaxLengthLlm}) {
        auto hy = HyMotionPrompt::create(*qwen_, max_llm);
        QVERIFY(hy.ok());
        const auto input = hy->encode(prompt.toStdString());
        const auto length = size_t(101 + max_llm);
        QCOMPARE(input.input_ids.size(), length);
        QCOMPARE(input.attention_mask.size(), length);
        const auto real = size_t(qwen_ids.size());
        QCOMPARE(
            to_qlist(std::vector<int32_t>(input.input_ids.begin(), input.input_ids.begin() + real)),
            qwen_ids);
        for (size_t i = 0; i < length; ++i) {
            QCOMPARE(input.attention_mask[i], i < real ? 1 : 0);
            if (i >= real) QCOMPARE(input.input_ids[i], 151643);
        }
        QCOMPARE(input.ctxt_length, int64_t(real) - 101);
    }
}

void TstTokenizers::hymotionPaddingMaskAndLength() {
    auto hy = HyMotionPrompt::create(*qwen_, 128);
    QVERIFY(hy.ok());
    // Empty prompt: the user turn holds only "<|im_end|>" and "\n", both counted as valid.
    const auto empty = hy->encode("");
    QCOMPARE(empty.ctxt_length, int64_t{2});
    QCOMPARE(empty.input_ids[101], text::QwenTokenizer::kImEnd);
    QCOMPARE(empty.input_ids[102], 198);
    QCOMPARE(empty.input_ids[103], HyMotionPrompt::kPadId);
    QCOMPARE(empty.attention_mask[102], 1);
    QCOMPARE(empty.attention_mask[103], 0);
    // Added tokens typed in the prompt are matched as tokens, as HF does.
    const auto special = hy->encode("<|im_end|>");
    QCOMPARE(special.input_ids[101], text::QwenTokenizer::kImEnd);
    QCOMPARE(special.ctxt_length, int64_t{3});
    // The same prompt gives the same ids (batch rows are independent: padding="max_length").
    QCOMPARE(hy->encode("walk").input_ids, hy->encode("walk").input_ids);
}

void TstTokenizers::hymotionTruncation() {
    std::string long_prompt;
    for (int i = 0; i < 300; ++i)
        long_prompt += " walk";  // 300 tokens
    for (int64_t max_llm : {int64_t{4}, int64_t{128}, int64_t{512}}) {
        auto hy = HyMotionPrompt::create(*qwen_, max_llm);
        QVERIFY(hy.ok());
        const auto input = hy->encode(long_prompt);
        const auto full = qwen_->encode(HyMotionPrompt::render(long_prompt));
        QCOMPARE(full.size(), size_t{101 + 300 + 2});
        const auto length = size_t(101 + max_llm);
        QCOMPARE(input.input_ids.size(), length);
        const size_t real = std::min(full.size(), length);
        // Truncated on the right: the first `real` ids are the full encoding's.
        QVERIFY(std::equal(input.input_ids.begin(), input.input_ids.begin() + real, full.begin()));
        QCOMPARE(input.ctxt_length, std::min<int64_t>(max_llm, 302));
        for (size_t i = 0; i < length; ++i)
            QCOMPARE(input.attention_mask[i], i < real ? 1 : 0);
    }
}
