// Qwen3 byte-level BPE against llama.cpp's and transformers.js' reference vectors (both generated
// with the HF tokenizer), loaded from vocab.json+merges.txt and from tokenizer.json.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <future>

#include "core/text/added_token_matcher.h"
#include "core/text/bpe_files.h"
#include "core/text/regex_splitter.h"
#include "core/text/utf8.h"
#include "tests/text/text_vectors.h"
#include "tests/text/tst_tokenizers.h"

using namespace kinema;
using namespace kinema::test;

namespace {

void add_rows(const std::vector<TextVector>& cases) {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("ids");
    QTest::addColumn<QStringList>("tokens");
    QTest::addColumn<QByteArray>("decoded");
    for (const auto& c : cases) {
        QStringList tokens;
        for (const auto& t : c.tokens)
            tokens << QString::fromStdString(t);
        QTest::newRow(c.name.c_str())
            << QByteArray::fromStdString(c.text) << to_qlist(c.ids) << tokens
            << QByteArray::fromStdString(c.decoded.value_or(text::Utf8::nfc(c.text)));
    }
}

std::vector<TextVector> all_qwen_vectors() {
    auto cases = read_llama_cpp_vectors(text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.inp"),
                                        text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.out"));
    for (auto& c : read_transformers_js_vectors(
             text_fixture("qwen/vectors/transformers.js_qwen2_vectors.json")))
        cases.push_back(std::move(c));
    return cases;
}

}  // namespace

void TstTokenizers::qwenLlamaCppVectors_data() {
    const auto cases =
        read_llama_cpp_vectors(text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.inp"),
                               text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.out"));
    QCOMPARE(cases.size(), size_t{46});
    add_rows(cases);
}

void TstTokenizers::qwenLlamaCppVectors() {
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, ids);
    QFETCH(QByteArray, decoded);
    const auto got = qwen_->encode(text.toStdString());
    QCOMPARE(to_qlist(got), ids);
    // Decoding gives back the NFC-normalised input.
    QCOMPARE(QByteArray::fromStdString(qwen_->decode(got)), decoded);
}

void TstTokenizers::qwenTransformersJsVectors_data() {
    const auto cases = read_transformers_js_vectors(
        text_fixture("qwen/vectors/transformers.js_qwen2_vectors.json"));
    QCOMPARE(cases.size(), size_t{25});
    add_rows(cases);
}

void TstTokenizers::qwenTransformersJsVectors() {
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, ids);
    QFETCH(QStringList, tokens);
    QFETCH(QByteArray, decoded);
    const auto got = qwen_->encode(text.toStdString());
    QCOMPARE(to_qlist(got), ids);
    QStringList got_tokens;
    for (int32_t id : got)
        got_tokens << QString::fromStdString(qwen_->id_to_token(id).value_or(""));
    QCOMPARE(got_tokens, tokens);
    QCOMPARE(QByteArray::fromStdString(qwen_->decode(got)), decoded);
}

void TstTokenizers::qwenTokenizerJson_data() {
    QTest::addColumn<bool>("array_merges");
    QTest::newRow("merges as \"a b\" strings") << false;
    QTest::newRow("merges as [a, b] arrays") << true;
}

void TstTokenizers::qwenTokenizerJson() {
    QFETCH(bool, array_merges);
    // Rebuild the HF tokenizer.json from its skeleton, vocab.json and merges.txt.
    std::ifstream skeleton_in(text_fixture("qwen/tokenizer.json.skeleton.json"));
    nlohmann::json doc = nlohmann::json::parse(skeleton_in, nullptr, false);
    QVERIFY(doc.is_object());
    auto vocab = text::BpeFiles::read_vocab_json(text_fixture("qwen/vocab.json"));
    auto merges = text::BpeFiles::read_merges_txt(text_fixture("qwen/merges.txt"));
    QVERIFY(vocab.ok() && merges.ok());
    nlohmann::json vocab_json = nlohmann::json::object();
    for (const auto& [token, id] : *vocab)
        vocab_json[token] = id;
    nlohmann::json merges_json = nlohmann::json::array();
    for (const auto& [a, b] : *merges)
        merges_json.push_back(array_merges ? nlohmann::json::array({a, b})
                                           : nlohmann::json(a + " " + b));
    doc["model"]["vocab"] = std::move(vocab_json);
    doc["model"]["merges"] = std::move(merges_json);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path folder = dir.path().toStdString();
    std::ofstream(folder / "tokenizer.json") << doc.dump();

    auto loaded = text::QwenTokenizer::load(folder);  // picks tokenizer.json
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().describe().c_str());
    QCOMPARE(loaded->vocab_size(), size_t{151669});
    QCOMPARE(loaded->added_tokens().size(), size_t{26});
    int checked = 0;
    for (const auto& c : all_qwen_vectors()) {
        QVERIFY2(loaded->encode(c.text) == c.ids, c.name.c_str());
        ++checked;
    }
    QCOMPARE(checked, 71);
}

void TstTokenizers::qwenAddedTokens() {
    // tokenizer_config.json's added tokens are the built-in Qwen3 table.
    const auto builtin = text::QwenTokenizer::qwen3_added_tokens();
    const auto& loaded = qwen_->added_tokens();
    QCOMPARE(loaded.size(), builtin.size());
    for (size_t i = 0; i < builtin.size(); ++i) {
        QCOMPARE(loaded[i].content, builtin[i].content);
        QCOMPARE(loaded[i].id, builtin[i].id);
        QCOMPARE(loaded[i].special, builtin[i].special);
        // Every added token, special or not, is matched whole, alone and inside text.
        QCOMPARE(qwen_->encode(builtin[i].content), std::vector<int32_t>{builtin[i].id});
        QCOMPARE(qwen_->token_to_id(builtin[i].content), std::optional<int32_t>(builtin[i].id));
        auto expected = qwen_->encode("Hello");
        expected.push_back(builtin[i].id);
        const auto tail = qwen_->encode(" world");
        expected.insert(expected.end(), tail.begin(), tail.end());
        QCOMPARE(qwen_->encode("Hello" + builtin[i].content + " world"), expected);
    }
    QCOMPARE(builtin.front().id, 151643);
    QCOMPARE(builtin.back().id, 151668);
    // No BOS/EOS is added.
    QCOMPARE(qwen_->encode("Hello world"), (std::vector<int32_t>{9707, 1879}));
    QVERIFY(qwen_->encode("").empty());
    // decode keeps added tokens verbatim; skip_special_tokens drops only the special ones.
    const auto ids = qwen_->encode("<|im_start|>user\n<think>hi</think><|im_end|>");
    QCOMPARE(qwen_->decode(ids), std::string("<|im_start|>user\n<think>hi</think><|im_end|>"));
    QCOMPARE(qwen_->decode(ids, true), std::string("user\n<think>hi</think>"));
    // Leftmost, then longest.
    text::AddedTokenMatcher matcher({{"<a>", 1, true}, {"<a>b", 2, true}, {"b<", 3, true}});
    const auto segments = matcher.split("x<a>b<a>");
    QCOMPARE(segments.size(), size_t{3});
    QCOMPARE(segments[0].text, std::string_view("x"));
    QCOMPARE(segments[1].id, 2);
    QCOMPARE(segments[2].id, 1);
}

void TstTokenizers::qwenNormalisationAndInvalidUtf8() {
    // NFC: a decomposed é tokenizes like the precomposed one.
    QCOMPARE(qwen_->encode("Caf\x65\xCC\x81"), qwen_->encode("Caf\xC3\xA9"));
    // Invalid UTF-8 becomes U+FFFD (one per maximal invalid subsequence).
    QCOMPARE(qwen_->encode("a\xFF"
                           "b"),
             qwen_->encode("a\xEF\xBF\xBD"
                           "b"));
    QCOMPARE(text::Utf8::sanitize("\xE2\x82"
                                  "x"),
             std::string("\xEF\xBF\xBDx"));
    // Decoding a token that ends inside a UTF-8 sequence yields U+FFFD, not broken bytes.
    // A character that needs more than one byte-level token (the first such of a few rare ones).
    std::vector<int32_t> ids;
    for (const char* rare : {"\xF0\x92\x80\x80", "\xF0\x9D\x84\x9E", "\xF0\x9F\xA6\x99"}) {
        ids = qwen_->encode(rare);
        if (ids.size() > 1) break;
    }
    QVERIFY(ids.size() > 1);
    const std::string partial = qwen_->decode(std::vector<int32_t>(ids.begin(), ids.end() - 1));
    QVERIFY(text::Utf8::is_valid(partial));
    QVERIFY(partial.find("\xEF\xBF\xBD") != std::string::npos);
}

void TstTokenizers::qwenRegexSplit() {
    auto splitter = text::RegexSplitter::create(text::QwenTokenizer::kSplitPattern);
    QVERIFY(splitter.ok());
    std::vector<std::string_view> pieces;
    splitter->split("Hello   world\n\n  x 2026", text::RegexSplitter::Behavior::Isolated, pieces);
    const std::vector<std::string_view> expected{"Hello", "  ", " world", "\n\n", " ", " x",
                                                 " ",     "2",  "0",      "2",    "6"};
    QCOMPARE(pieces, expected);
    // \s is Unicode White_Space as in Oniguruma: U+180E is not a space, so "!\u180E!" stays one
    // punctuation piece (PCRE2's own UCP \s would split it).
    pieces.clear();
    splitter->split("!\xE1\xA0\x8E!", text::RegexSplitter::Behavior::Isolated, pieces);
    QCOMPARE(pieces.size(), size_t{1});
    QVERIFY(text::RegexSplitter::translate(R"([^\s\p{L}]|\s+(?!\S))").find("\\s") ==
            std::string::npos);
    QVERIFY(!text::RegexSplitter::create("(unclosed").ok());
}

void TstTokenizers::qwenConcurrentEncode() {
    const auto cases = all_qwen_vectors();
    std::vector<std::future<bool>> runs;
    for (int t = 0; t < 4; ++t) {
        runs.push_back(std::async(std::launch::async, [&] {
            bool all = true;
            for (int round = 0; round < 3; ++round)
                for (const auto& c : cases)
                    all = all && qwen_->encode(c.text) == c.ids;
            return all;
        }));
    }
    for (auto& r : runs)
        QVERIFY(r.get());
}
