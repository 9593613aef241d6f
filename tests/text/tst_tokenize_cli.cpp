// `kinema-cli tokenize` run as a process: --jsonl in, one {"ids": [...]} line out per input line.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/text/text_vectors.h"
#include "tests/text/tst_tokenizers.h"

using namespace kinema;
using namespace kinema::test;

namespace {

const QString kCli = QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli");

struct Run {
    int exit_code = -1;
    QByteArray out;
    QByteArray err;
};

Run run_cli(const QStringList& args) {
    QProcess process;
    process.start(kCli, args);
    Run run;
    if (!process.waitForFinished(120000)) return run;
    run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// Writes the cases' texts as {"text": ...} lines (plus one blank line, which is skipped).
QString write_jsonl(const QTemporaryDir& dir, const std::vector<TextVector>& cases) {
    const QString path = dir.filePath("input.jsonl");
    std::ofstream out(path.toStdString(), std::ios::binary);
    for (size_t i = 0; i < cases.size(); ++i) {
        out << nlohmann::json{{"text", cases[i].text}}.dump() << '\n';
        if (i == 2) out << "\n";
    }
    return path;
}

void check_lines(const Run& run, const std::vector<TextVector>& cases) {
    QCOMPARE(run.exit_code, 0);
    const QList<QByteArray> lines = run.out.trimmed().split('\n');
    QCOMPARE(size_t(lines.size()), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto doc = nlohmann::json::parse(lines[int(i)].toStdString(), nullptr, false);
        QVERIFY2(doc.is_object() && doc.contains("ids"), lines[int(i)].constData());
        QVERIFY2(doc["ids"].get<std::vector<int32_t>>() == cases[i].ids, cases[i].name.c_str());
    }
}

}  // namespace

void TstTokenizers::cliJsonlQwen() {
    QVERIFY2(QFileInfo::exists(kCli), qPrintable(kCli));
    auto cases = read_llama_cpp_vectors(text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.inp"),
                                        text_fixture("qwen/vectors/ggml-vocab-qwen2.gguf.out"));
    for (auto& c : read_transformers_js_vectors(
             text_fixture("qwen/vectors/transformers.js_qwen2_vectors.json")))
        cases.push_back(std::move(c));
    QCOMPARE(cases.size(), size_t{71});
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString input = write_jsonl(dir, cases);
    const Run run =
        run_cli({"tokenize", "--tokenizer", "qwen3", "--dir",
                 QString::fromStdString(text_fixture("qwen").string()), "--jsonl", input});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    check_lines(run, cases);
}

void TstTokenizers::cliJsonlClip() {
    const auto cases = read_transformers_js_vectors(
        text_fixture("clip/vectors/transformers.js_clip_vectors.json"));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString input = write_jsonl(dir, cases);
    const QString folder = QString::fromStdString(text_fixture("clip").string());
    const Run fast = run_cli({"tokenize", "--tokenizer", "clip", "--dir", folder, "--jsonl", input,
                              "--clip-flavor", "fast", "--max-length", "1000"});
    QVERIFY2(fast.exit_code == 0, fast.err.constData());
    check_lines(fast, cases);

    // The default (slow, as HY-Motion) equals the library's output.
    std::vector<TextVector> slow_cases = cases;
    for (auto& c : slow_cases)
        c.ids = clip_->encode(c.text);
    const Run slow =
        run_cli({"tokenize", "--tokenizer", "clip", "--dir", folder, "--jsonl", input});
    check_lines(slow, slow_cases);
}

void TstTokenizers::cliTextJsonAndErrors() {
    const QString qwen_dir = QString::fromStdString(text_fixture("qwen").string());
    const Run text =
        run_cli({"tokenize", "--tokenizer", "qwen3", "--dir", qwen_dir, "--text", "Hello world"});
    QCOMPARE(text.exit_code, 0);
    QCOMPARE(text.out.trimmed(), QByteArray(R"({"ids":[9707,1879]})"));

    const Run json = run_cli({"tokenize", "--tokenizer", "qwen3", "--dir", qwen_dir, "--text",
                              "<|im_start|>", "--json"});
    QCOMPARE(json.exit_code, 0);
    const auto doc = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
    QVERIFY(doc.is_object());
    QCOMPARE(doc["ids"].get<std::vector<int32_t>>(), std::vector<int32_t>{151644});
    QCOMPARE(doc["count"].get<int>(), 1);

    // Missing folder: Io, exit 3, typed JSON error with --json.
    const Run missing = run_cli(
        {"tokenize", "--tokenizer", "clip", "--dir", "/nonexistent/clip", "--text", "x", "--json"});
    QCOMPARE(missing.exit_code, 3);
    const auto error = nlohmann::json::parse(missing.out.toStdString(), nullptr, false);
    QVERIFY(error.is_object() && error.contains("error"));
    QCOMPARE(error["error"]["kind"].get<std::string>(), std::string("Io"));

    // A line that is not {"text": ...}: InvalidRequest, exit 2.
    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.jsonl");
    std::ofstream(bad.toStdString()) << "{\"text\": \"ok\"}\n{\"prompt\": 1}\n";
    const Run bad_line =
        run_cli({"tokenize", "--tokenizer", "qwen3", "--dir", qwen_dir, "--jsonl", bad});
    QCOMPARE(bad_line.exit_code, 2);
    QVERIFY(bad_line.err.contains("line 2"));

    // Exactly one of --text and --jsonl.
    QVERIFY(run_cli({"tokenize", "--tokenizer", "qwen3", "--dir", qwen_dir}).exit_code != 0);
    QVERIFY(
        run_cli({"tokenize", "--tokenizer", "bert", "--dir", qwen_dir, "--text", "x"}).exit_code !=
        0);
}
