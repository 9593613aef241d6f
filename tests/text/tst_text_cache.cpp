// The embedding cache: round trip, key/prompt checks, atomic files, a cache hit that never loads
// the encoders (their weights are made unloadable), and `kinema-cli encode-text` end to end.
#include <ATen/ATen.h>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/io/state_dict_loader.h"
#include "core/text/cached_text_conditioner.h"
#include "core/text/embedding_cache.h"
#include "core/text/hymotion_text_conditioner.h"
#include "tests/text/tiny_text_models.h"

using namespace kinema;
using namespace kinema::test;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(KINEMA_TEST_FIXTURES) / "text";

TextFeatures some_features(float v) {
    TextFeatures f;
    f.vtxt = at::full({1, 1, 8}, v);
    f.ctxt = at::full({1, 4, 16}, v + 1);
    f.ctxt_length = at::tensor({int64_t{3}}, at::kLong);
    return f;
}

// Overwrites a file with the same number of garbage bytes (the cache key, which looks at file
// sizes, is unchanged; loading it fails).
void scramble(const fs::path& path) {
    const auto size = fs::file_size(path);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (uintmax_t i = 0; i < size; ++i)
        out.put(char(0xA5));
}

}  // namespace

class TstTextCache : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path root_, qwen_, clip_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        root_ = tmp_.path().toStdString();
        qwen_ = root_ / "qwen";
        clip_ = root_ / "clip";
        const auto qc = tiny_qwen3_config(151936);
        QVERIFY(write_model_folder(qwen_, qc.to_json(), random_qwen3_weights(qc, 1, at::kBFloat16),
                                   1, kFixtures / "qwen"));
        const auto cc = tiny_clip_config();
        QVERIFY(write_model_folder(clip_, cc.to_json(), random_clip_weights(cc, 2), 1,
                                   kFixtures / "clip"));
    }

    void roundTripAndMisses() {
        text::EmbeddingCache cache(root_ / "cache1");
        QVERIFY(!cache.load("k", "p").has_value());
        QVERIFY(cache.store("k", "p", some_features(1)).ok());
        auto hit = cache.load("k", "p");
        QVERIFY(hit.has_value());
        QVERIFY(at::equal(hit->ctxt, some_features(1).ctxt));
        QCOMPARE(hit->ctxt_length.scalar_type(), at::kLong);
        QVERIFY(!cache.load("k2", "p").has_value());
        QVERIFY(!cache.load("k", "p2").has_value());
        QVERIFY(cache.path_for("k", "p") != cache.path_for("k", "p2"));
        // Overwrite is atomic: no temporary files left behind.
        QVERIFY(cache.store("k", "p", some_features(2)).ok());
        QVERIFY(at::equal(cache.load("k", "p")->vtxt, some_features(2).vtxt));
        int files = 0;
        for (const auto& e : fs::directory_iterator(cache.dir())) {
            ++files;
            QVERIFY(e.path().extension() == ".safetensors");
        }
        QCOMPARE(files, 1);  // before the odd prompt below
        // Prompts with quotes, newlines and non-ASCII text round-trip through the metadata.
        const std::string odd = "a \"quoted\"\nprompt \xC3\xBC \xE6\xAD\xA9";
        QVERIFY(cache.store("k", odd, some_features(3)).ok());
        QVERIFY(at::equal(cache.load("k", odd)->vtxt, some_features(3).vtxt));
        // A corrupt entry is a miss, not an error.
        scramble(cache.path_for("k", "p"));
        QVERIFY(!cache.load("k", "p").has_value());
    }

    void cacheHitNeverLoadsTheEncoders() {
        const fs::path q = root_ / "qwen_copy", c = root_ / "clip_copy";
        fs::copy(qwen_, q, fs::copy_options::recursive);
        fs::copy(clip_, c, fs::copy_options::recursive);
        text::HyMotionTextOptions o;
        o.qwen_dir = q;
        o.clip_dir = c;
        o.max_length_llm = 16;
        const fs::path cache_dir = root_ / "cache2";
        const std::string prompt = "a person waves";
        TextFeatures first;
        {
            auto inner = std::make_unique<text::HyMotionTextConditioner>(o);
            text::CachedTextConditioner cond(std::move(inner), text::EmbeddingCache(cache_dir));
            auto f = cond.encode(prompt, nullptr);
            QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
            QVERIFY(!cond.last_was_hit());
            QVERIFY(!cond.last_store_error());
            QVERIFY(cond.resident_bytes() > 0);
            first = *f;
        }
        // Make both models unloadable (same sizes, so the same cache key).
        scramble(q / "model.safetensors");
        scramble(c / "model.safetensors");
        auto inner = std::make_unique<text::HyMotionTextConditioner>(o);
        auto* raw = inner.get();
        text::CachedTextConditioner cond(std::move(inner), text::EmbeddingCache(cache_dir));
        auto f = cond.encode(prompt, nullptr);
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().describe().c_str());
        QVERIFY(cond.last_was_hit());
        QVERIFY(!raw->loaded());
        QCOMPARE(cond.resident_bytes(), uint64_t{0});
        QVERIFY(at::equal(f->ctxt, first.ctxt) && at::equal(f->vtxt, first.vtxt) &&
                at::equal(f->ctxt_length, first.ctxt_length));
        // A new prompt misses and must load: the typed loader error comes through.
        auto miss = cond.encode("a person jumps", nullptr);
        QVERIFY(!miss.ok());
        QCOMPARE(miss.error().kind, ErrorKind::BadModelFile);
        // The factory puts the cache in front when a folder is given.
        auto made = text::make_hymotion_text_conditioner(o, cache_dir);
        QVERIFY(made->encode(prompt, nullptr).ok());
        QVERIFY(dynamic_cast<text::CachedTextConditioner*>(made.get()) != nullptr);
    }

    void cliEncodeTextWritesPipelineInputs() {
        const QString cli = QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli");
        const fs::path out = root_ / "features.safetensors";
        const QStringList args{"encode-text",
                               "--qwen",
                               QString::fromStdString(qwen_.string()),
                               "--clip",
                               QString::fromStdString(clip_.string()),
                               "--prompt",
                               "a person walks",
                               "--out",
                               QString::fromStdString(out.string()),
                               "--max-length-llm",
                               "20",
                               "--cache-dir",
                               QString::fromStdString((root_ / "cli_cache").string()),
                               "--json"};
        for (int run = 0; run < 2; ++run) {
            QProcess p;
            p.start(cli, args);
            QVERIFY(p.waitForFinished(300000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            const auto doc =
                nlohmann::json::parse(p.readAllStandardOutput().toStdString(), nullptr, false);
            QVERIFY(doc.is_object());
            QCOMPARE(doc["cache_hit"].get<bool>(), run == 1);
            QCOMPARE(doc["ctxt_length"].get<int64_t>(), int64_t{5});  // 3 words + im_end + \n
        }
        auto sd = load_state_dict(out);
        QVERIFY(sd.ok());
        QCOMPARE(sd->at("in.text_vec_raw").sizes().vec(), (std::vector<int64_t>{1, 1, 32}));
        QCOMPARE(sd->at("in.text_ctxt_raw").sizes().vec(), (std::vector<int64_t>{1, 20, 32}));
        QCOMPARE(sd->at("in.text_ctxt_raw_length").scalar_type(), at::kLong);
        auto back = text::read_text_features(out, "in.");
        QVERIFY(back.ok());
        QCOMPARE(back->ctxt_length[0].item<int64_t>(), int64_t{5});
        // quantize, then encode-text reading that cache (int4).
        const fs::path q4 = root_ / "q4.safetensors";
        QProcess quant;
        quant.start(cli, {"quantize", "--qwen", QString::fromStdString(qwen_.string()),
                          "--precision", "int4", "--out", QString::fromStdString(q4.string())});
        QVERIFY(quant.waitForFinished(300000));
        QVERIFY2(quant.exitCode() == 0, quant.readAllStandardError().constData());
        QVERIFY(fs::exists(q4));
        QProcess enc4;
        const fs::path out4 = root_ / "features4.safetensors";
        enc4.start(cli,
                   {"encode-text", "--qwen", QString::fromStdString(qwen_.string()), "--clip",
                    QString::fromStdString(clip_.string()), "--prompt", "a person walks", "--out",
                    QString::fromStdString(out4.string()), "--max-length-llm", "20", "--precision",
                    "int4", "--quant-cache", QString::fromStdString(q4.string()), "--json"});
        QVERIFY(enc4.waitForFinished(300000));
        QVERIFY2(enc4.exitCode() == 0, enc4.readAllStandardError().constData());
        auto f4 = text::read_text_features(out4, "in.");
        QVERIFY(f4.ok());
        const double err =
            (f4->ctxt - back->ctxt).norm().item<double>() / back->ctxt.norm().item<double>();
        qInfo("tiny model, int4 vs bf16 ctxt relative difference %.3f", err);
        QVERIFY(err > 0 && err < 0.5);
        QVERIFY(at::equal(f4->vtxt, back->vtxt));  // CLIP is not quantised
        // Bad input: a typed error and a non-zero exit.
        QProcess bad;
        bad.start(cli, {"encode-text", "--qwen", "/nonexistent", "--clip", "/nonexistent",
                        "--prompt", "x", "--out", QString::fromStdString((root_ / "x").string())});
        QVERIFY(bad.waitForFinished(60000));
        QVERIFY(bad.exitCode() != 0);
    }

    void cliBenchQuantReportsEveryLinear() {
        // `kinema-cli bench quant --json` on one small layer: per-linear, per-layer and
        // end-to-end errors for each requested variant.
        QProcess p;
        p.start(QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli"),
                {"bench", "quant", "--shape", "small", "--layers", "1", "--tokens", "8",
                 "--variants", "int8,int4-mse-clip", "--json"});
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const auto doc =
            nlohmann::json::parse(p.readAllStandardOutput().toStdString(), nullptr, false);
        QVERIFY(doc.is_object());
        QCOMPARE(doc["config"]["hidden_size"].get<int64_t>(), int64_t{512});
        QCOMPARE(doc["variants"].size(), size_t{2});
        const auto& i8 = doc["variants"][0];
        const auto& i4 = doc["variants"][1];
        QCOMPARE(i8["name"].get<std::string>(), std::string("int8"));
        QCOMPARE(i4["name"].get<std::string>(), std::string("int4-mse-clip"));
        QCOMPARE(i8["layers"][0]["linear"].size(), size_t{7});
        QVERIFY(i8["max_linear"].get<double>() < 0.01);
        QVERIFY(i4["max_linear"].get<double>() > i8["max_linear"].get<double>());
        QVERIFY(i4["final_norm_output"].get<double>() > 0);
        QVERIFY(i4["bytes_per_weight"].get<double>() < 0.6);
        QProcess bad;
        bad.start(QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli"),
                  {"bench", "quant", "--variants", "int3", "--json"});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TstTextCache)
#include "tst_text_cache.moc"
