// Malformed, truncated and missing tokenizer files give typed errors (never a crash or exception):
// missing file or folder -> Io, malformed content -> BadModelFile, unsupported features ->
// Unsupported.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "core/text/bpe_files.h"
#include "tests/text/text_vectors.h"
#include "tests/text/tst_tokenizers.h"

using namespace kinema;
using namespace kinema::test;

namespace {

constexpr int kOk = -1;
const QByteArray kAbsent = "<absent>";
const QByteArray kTinyVocab = R"({"a": 0, "b": 1, "ab": 2})";
const QByteArray kTinyMerges = "#version: 0.2\na b\n";

void write_file(const std::filesystem::path& path, const QByteArray& content) {
    if (content == kAbsent) return;
    std::ofstream(path, std::ios::binary).write(content.constData(), content.size());
}

QByteArray head_of(const std::filesystem::path& path, qint64 bytes) {
    std::ifstream in(path, std::ios::binary);
    QByteArray data(bytes, '\0');
    in.read(data.data(), bytes);
    data.resize(in.gcount());
    return data;
}

std::string describe(const Error& e) {
    return e.describe();
}

}  // namespace

void TstTokenizers::malformedQwenFiles_data() {
    QTest::addColumn<QByteArray>("vocab");
    QTest::addColumn<QByteArray>("merges");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<int>("kind");
    const int bad = int(ErrorKind::BadModelFile);
    const QByteArray truncated_vocab = head_of(text_fixture("qwen/vocab.json"), 100000);
    QTest::newRow("valid tiny files") << kTinyVocab << kTinyMerges << kAbsent << kOk;
    QTest::newRow("bad JSON vocab")
        << QByteArray(R"({"a": 0,, "b": 1})") << kTinyMerges << kAbsent << bad;
    QTest::newRow("truncated vocab.json") << truncated_vocab << kTinyMerges << kAbsent << bad;
    QTest::newRow("vocab id not an integer")
        << QByteArray(R"({"a": "0"})") << kTinyMerges << kAbsent << bad;
    QTest::newRow("vocab not an object") << QByteArray("[0, 1]") << kTinyMerges << kAbsent << bad;
    QTest::newRow("vocab id used twice")
        << QByteArray(R"({"a": 0, "b": 0, "ab": 2})") << kTinyMerges << kAbsent << bad;
    QTest::newRow("missing vocab.json") << kAbsent << kTinyMerges << kAbsent << int(ErrorKind::Io);
    QTest::newRow("missing merges.txt") << kTinyVocab << kAbsent << kAbsent << int(ErrorKind::Io);
    QTest::newRow("merge names an unknown token")
        << kTinyVocab << QByteArray("#version: 0.2\na c\n") << kAbsent << bad;
    QTest::newRow("merge result not in vocab")
        << QByteArray(R"({"a": 0, "b": 1})") << kTinyMerges << kAbsent << bad;
    QTest::newRow("truncated merges line")
        << kTinyVocab << QByteArray("#version: 0.2\na b\nab") << kAbsent << bad;
    QTest::newRow("merge with three parts")
        << kTinyVocab << QByteArray("#version: 0.2\na b ab\n") << kAbsent << bad;
    QTest::newRow("bad tokenizer_config.json")
        << kTinyVocab << kTinyMerges << QByteArray("{") << bad;
    QTest::newRow("added token without content")
        << kTinyVocab << kTinyMerges
        << QByteArray(R"({"added_tokens_decoder": {"5": {"special": true}}})") << bad;
    QTest::newRow("added token key not an id")
        << kTinyVocab << kTinyMerges
        << QByteArray(R"({"added_tokens_decoder": {"x": {"content": "<x>"}}})") << bad;
    QTest::newRow("added token reuses a vocab id")
        << kTinyVocab << kTinyMerges
        << QByteArray(R"({"added_tokens_decoder": {"0": {"content": "<x>"}}})") << bad;
    QTest::newRow("added token with lstrip")
        << kTinyVocab << kTinyMerges
        << QByteArray(R"({"added_tokens_decoder": {"5": {"content": "<x>", "lstrip": true}}})")
        << int(ErrorKind::Unsupported);
}

void TstTokenizers::malformedQwenFiles() {
    QFETCH(QByteArray, vocab);
    QFETCH(QByteArray, merges);
    QFETCH(QByteArray, config);
    QFETCH(int, kind);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path folder = dir.path().toStdString();
    write_file(folder / "vocab.json", vocab);
    write_file(folder / "merges.txt", merges);
    write_file(folder / "tokenizer_config.json", config);
    const auto tok = text::QwenTokenizer::load(folder);
    if (kind == kOk) {
        QVERIFY2(tok.ok(), tok.ok() ? "" : describe(tok.error()).c_str());
        QCOMPARE(tok->encode("ab"), std::vector<int32_t>{2});
        QCOMPARE(tok->encode("<|im_end|>"), std::vector<int32_t>{151645});  // built-in table
        return;
    }
    QVERIFY(!tok.ok());
    QCOMPARE(int(tok.error().kind), kind);
    QVERIFY(!tok.error().message.empty());
}

void TstTokenizers::malformedClipFiles_data() {
    QTest::addColumn<QByteArray>("vocab");
    QTest::addColumn<QByteArray>("merges");
    QTest::addColumn<QByteArray>("gz");
    QTest::addColumn<int>("kind");
    const int bad = int(ErrorKind::BadModelFile);
    const auto real = [](const char* name) { return head_of(text_fixture(name), 1 << 24); };
    const QByteArray vocab = real("clip/vocab.json");
    const QByteArray merges = real("clip/merges.txt");
    const QByteArray gz = real("clip/bpe_simple_vocab_16e6.txt.gz");
    QTest::newRow("HF files") << vocab << merges << kAbsent << kOk;
    QTest::newRow("openai gz only") << kAbsent << kAbsent << gz << kOk;
    QTest::newRow("nothing") << kAbsent << kAbsent << kAbsent << int(ErrorKind::Io);
    QTest::newRow("missing merges.txt") << vocab << kAbsent << kAbsent << int(ErrorKind::Io);
    QTest::newRow("truncated vocab.json")
        << vocab.left(vocab.size() / 2) << merges << kAbsent << bad;
    QTest::newRow("vocab without special tokens") << kTinyVocab << kTinyMerges << kAbsent << bad;
    QTest::newRow("merges cut inside a line")
        << vocab << merges.left(merges.indexOf('\n', 1000) + 3) << kAbsent << bad;
    QTest::newRow("truncated gz") << kAbsent << kAbsent << gz.left(gz.size() / 2) << bad;
    QTest::newRow("not gzip") << kAbsent << kAbsent << QByteArray("hello") << bad;
}

void TstTokenizers::malformedClipFiles() {
    QFETCH(QByteArray, vocab);
    QFETCH(QByteArray, merges);
    QFETCH(QByteArray, gz);
    QFETCH(int, kind);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path folder = dir.path().toStdString();
    write_file(folder / "vocab.json", vocab);
    write_file(folder / "merges.txt", merges);
    write_file(folder / "bpe_simple_vocab_16e6.txt.gz", gz);
    const auto tok = text::ClipTokenizer::load(folder);
    if (kind == kOk) {
        QVERIFY2(tok.ok(), tok.ok() ? "" : describe(tok.error()).c_str());
        QCOMPARE(tok->encode("Hello World!"),
                 (std::vector<int32_t>{49406, 3306, 1002, 256, 49407}));
        return;
    }
    QVERIFY(!tok.ok());
    QCOMPARE(int(tok.error().kind), kind);
}

void TstTokenizers::malformedTokenizerJson_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("kind");
    const int bad = int(ErrorKind::BadModelFile);
    const QByteArray valid =
        R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]]},
            "added_tokens": [{"id": 3, "content": "<x>", "special": true}]})";
    QTest::newRow("valid tiny") << valid << kOk;
    QTest::newRow("not JSON") << QByteArray("model: BPE") << bad;
    QTest::newRow("truncated") << valid.left(valid.size() - 20) << bad;
    QTest::newRow("no model") << QByteArray(R"({"added_tokens": []})") << bad;
    QTest::newRow("no merges") << QByteArray(R"({"model": {"vocab": {"a": 0}}})") << bad;
    QTest::newRow("merge is a number")
        << QByteArray(R"({"model": {"vocab": {"a": 0}, "merges": [5]}})") << bad;
    QTest::newRow("merge array of three")
        << QByteArray(R"({"model": {"vocab": {"a": 0}, "merges": [["a", "a", "a"]]}})") << bad;
    QTest::newRow("merge string without space")
        << QByteArray(R"({"model": {"vocab": {"a": 0}, "merges": ["aa"]}})") << bad;
    QTest::newRow("merge names an unknown token")
        << QByteArray(R"({"model": {"vocab": {"a": 0, "aa": 1}, "merges": ["a z"]}})") << bad;
    QTest::newRow("vocab is an array")
        << QByteArray(R"({"model": {"vocab": ["a"], "merges": []}})") << bad;
    QTest::newRow("added_tokens not an array")
        << QByteArray(R"({"model": {"vocab": {"a": 0}, "merges": []}, "added_tokens": {}})") << bad;
    QTest::newRow("WordPiece model")
        << QByteArray(R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})")
        << int(ErrorKind::Unsupported);
    QTest::newRow("bad pre-tokenizer regex")
        << QByteArray(R"({"model": {"vocab": {"a": 0}, "merges": []},
            "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a"}}})")
        << bad;
}

void TstTokenizers::malformedTokenizerJson() {
    QFETCH(QByteArray, json);
    QFETCH(int, kind);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "t.json";
    write_file(path, json);
    const auto tok = text::QwenTokenizer::load_tokenizer_json(path);
    if (kind == kOk) {
        QVERIFY2(tok.ok(), tok.ok() ? "" : describe(tok.error()).c_str());
        QCOMPARE(tok->encode("ab<x>"), (std::vector<int32_t>{2, 3}));
        QCOMPARE(tok->decode(std::vector<int32_t>{2, 3}), std::string("ab<x>"));
        return;
    }
    QVERIFY(!tok.ok());
    QCOMPARE(int(tok.error().kind), kind);
    // A folder that does not exist, and a missing file, are I/O errors.
    QCOMPARE(text::QwenTokenizer::load(path.parent_path() / "nope").error().kind, ErrorKind::Io);
    QCOMPARE(
        text::QwenTokenizer::load_tokenizer_json(path.parent_path() / "nope.json").error().kind,
        ErrorKind::Io);
}
