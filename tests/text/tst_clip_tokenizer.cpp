// CLIP BPE against transformers.js' reference vectors (HF fast tokenizer) and, for the slow
// tokenizer HY-Motion uses, against a transcription of HF's BasicTokenizer clean-up run in Python.
#include <QtTest>

#include <set>

#include "core/text/clip_normalizer.h"
#include "tests/text/text_vectors.h"
#include "tests/text/tst_tokenizers.h"

using namespace kinema;
using namespace kinema::test;
using Flavor = text::ClipTokenizer::Flavor;

namespace {

// Texts on which the slow tokenizer (no ftfy) and the fast one disagree: the slow one drops
// U+0000/U+FFFD and format characters (ZWJ, tag characters) and splits CJK ideographs apart.
// The reference vectors were made without truncation (one has 83 ids).
constexpr size_t kUntruncated = 1000;

const std::set<std::string> kSlowDiffers{"CONTROL_TOKENS", "CHINESE_ONLY", "MULTIBYTE_EMOJIS"};

std::vector<TextVector> clip_vectors() {
    return read_transformers_js_vectors(
        text_fixture("clip/vectors/transformers.js_clip_vectors.json"));
}

std::vector<TextVector> slow_clean_cases() {
    return read_clip_slow_clean(text_fixture("clip/vectors/DERIVED_clip_slow_clean.json"));
}

}  // namespace

void TstTokenizers::clipFastVectors_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("ids");
    QTest::addColumn<QStringList>("tokens");
    QTest::addColumn<QByteArray>("decoded");
    const auto cases = clip_vectors();
    QCOMPARE(cases.size(), size_t{25});
    for (const auto& c : cases) {
        QStringList tokens;
        for (const auto& t : c.tokens)
            tokens << QString::fromStdString(t);
        QTest::newRow(c.name.c_str()) << QByteArray::fromStdString(c.text) << to_qlist(c.ids)
                                      << tokens << QByteArray::fromStdString(*c.decoded);
    }
}

void TstTokenizers::clipFastVectors() {
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, ids);
    QFETCH(QStringList, tokens);
    QFETCH(QByteArray, decoded);
    const auto fast = clip_->with_flavor(Flavor::HfFast);
    const auto got = fast.encode(text.toStdString(), kUntruncated);
    QCOMPARE(to_qlist(got), ids);
    QStringList got_tokens;
    for (size_t i = 1; i + 1 < got.size(); ++i)
        got_tokens << QString::fromStdString(fast.id_to_token(got[i]).value_or(""));
    QCOMPARE(got_tokens, tokens);
    QCOMPARE(QByteArray::fromStdString(fast.decode(got)), decoded);
}

void TstTokenizers::clipSlowVectors_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("fast_ids");
    QTest::addColumn<QByteArray>("slow_clean");
    const auto cases = clip_vectors();
    const auto cleaned = slow_clean_cases();
    QVERIFY(cleaned.size() >= cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        QCOMPARE(cleaned[i].name, cases[i].name);
        QTest::newRow(cases[i].name.c_str())
            << QByteArray::fromStdString(cases[i].text) << to_qlist(cases[i].ids)
            << QByteArray::fromStdString(*cleaned[i].decoded);
    }
}

void TstTokenizers::clipSlowVectors() {
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, fast_ids);
    QFETCH(QByteArray, slow_clean);
    const auto got = clip_->encode(text.toStdString(), kUntruncated);  // Flavor::HfSlow
    // The slow tokenizer is BPE over the cleaned text, which the fast path leaves as it is.
    QCOMPARE(
        to_qlist(got),
        to_qlist(
            clip_->with_flavor(Flavor::HfFast).encode(slow_clean.toStdString(), kUntruncated)));
    if (kSlowDiffers.count(QTest::currentDataTag()))
        QVERIFY(to_qlist(got) != fast_ids);
    else
        QCOMPARE(to_qlist(got), fast_ids);
}

void TstTokenizers::clipSlowCleanMatchesPython_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("slow_clean");
    const auto cases = slow_clean_cases();
    QCOMPARE(cases.size(), size_t{37});
    for (const auto& c : cases)
        QTest::newRow(c.name.c_str())
            << QByteArray::fromStdString(c.text) << QByteArray::fromStdString(*c.decoded);
}

void TstTokenizers::clipSlowCleanMatchesPython() {
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, slow_clean);
    QCOMPARE(QByteArray::fromStdString(text::ClipNormalizer::slow_basic_clean(text.toStdString())),
             slow_clean);
}

void TstTokenizers::clipOpenaiHelloWorld() {
    // openai CLIP notebook: clip.tokenize("Hello World!") starts [49406, 3306, 1002, 256, 49407].
    const std::vector<int32_t> expected{49406, 3306, 1002, 256, 49407};
    QCOMPARE(clip_->encode("Hello World!"), expected);
    QCOMPARE(clip_->with_flavor(Flavor::HfFast).encode("Hello World!"), expected);
}

void TstTokenizers::clipOpenaiGzMatchesHfFiles() {
    auto openai =
        text::ClipTokenizer::load_openai_bpe(text_fixture("clip/bpe_simple_vocab_16e6.txt.gz"));
    QVERIFY2(openai.ok(), openai.ok() ? "" : openai.error().describe().c_str());
    QCOMPARE(openai->vocab_size(), size_t{49408});
    QCOMPARE(openai->merge_count(), size_t{48894});
    for (int32_t id = 0; id < 49408; ++id)
        QCOMPARE(openai->id_to_token(id), clip_->id_to_token(id));
    for (const auto& c : clip_vectors()) {
        QCOMPARE(openai->encode(c.text), clip_->encode(c.text));
        QCOMPARE(openai->with_flavor(Flavor::HfFast).encode(c.text, kUntruncated), c.ids);
    }
}

void TstTokenizers::clipSpecialTokensInText() {
    const auto fast = clip_->with_flavor(Flavor::HfFast);
    const int32_t a = *clip_->token_to_id("a</w>");
    const int32_t b = *clip_->token_to_id("b</w>");
    const std::vector<int32_t> expected{49406, a, 49407, b, 49406, 49407};
    const text::ClipTokenizer& slow = *clip_;
    for (const text::ClipTokenizer* tok : {&slow, &fast}) {
        QCOMPARE(tok->encode("a <|endoftext|> b<|startoftext|>"), expected);
        // Upper case still ends up as the special token (lower-cased first).
        QCOMPARE(tok->encode("A <|ENDOFTEXT|> B<|StartOfText|>"), expected);
    }
    QCOMPARE(clip_->encode(""), (std::vector<int32_t>{49406, 49407}));
    QCOMPARE(clip_->decode(clip_->encode("a photo of a cat"), true),
             std::string("a photo of a cat"));
}

void TstTokenizers::clipTruncationAndPadding() {
    std::string long_text;
    for (int i = 0; i < 100; ++i)
        long_text += "walk ";
    const auto ids = clip_->encode(long_text);
    QCOMPARE(ids.size(), size_t{77});
    QCOMPARE(ids.front(), 49406);
    QCOMPARE(ids.back(), 49407);
    QCOMPARE(clip_->encode_tokens(long_text).size(), size_t{100});
    QCOMPARE(clip_->encode(long_text, 10).size(), size_t{10});
    QCOMPARE(clip_->encode(long_text, 0), (std::vector<int32_t>{49406, 49407}));
    QCOMPARE(clip_->encode("walk walk", 77).size(), size_t{4});  // no padding

    const auto batch = text::ClipTokenizer::pad_to_longest({{49406, 5, 49407}, {49406, 49407}});
    QCOMPARE(batch.input_ids[1], (std::vector<int32_t>{49406, 49407, 49407}));
    QCOMPARE(batch.attention_mask[0], (std::vector<int32_t>{1, 1, 1}));
    QCOMPARE(batch.attention_mask[1], (std::vector<int32_t>{1, 1, 0}));
}
