// Model-level parity with transformers: golden outputs of Qwen3ForCausalLM and CLIPTextModel on
// tiny random configs, made by tests/fixtures/text/make_encoder_fixtures.py where transformers
// is installed, under tests/fixtures/text/encoders/. Skips while those files are absent.
#include <ATen/ATen.h>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "core/io/state_dict_loader.h"
#include "core/text/clip_text_encoder.h"
#include "core/text/qwen3_encoder.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(KINEMA_TEST_FIXTURES) / "text" / "encoders";

// A model folder for `name`: its config and the fixture file itself as model.safetensors (the
// in./out. keys in it are ignored by the loaders).
bool make_folder(const std::string& name, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::copy_file(kDir / (name + ".config.json"), dir / "config.json", ec);
    if (ec) return false;
    fs::create_symlink(fs::absolute(kDir / (name + ".safetensors")), dir / "model.safetensors", ec);
    return !ec;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace

class TstTextParity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void qwen3MatchesTransformers() {
        if (!fs::exists(kDir / "qwen3_tiny.safetensors"))
            QSKIP(
                "tests/fixtures/text/encoders/qwen3_tiny.* absent (model-level parity pending: "
                "run tests/fixtures/text/make_encoder_fixtures.py where transformers is)");
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / "qwen3";
        QVERIFY(make_folder("qwen3_tiny", dir));
        auto sd = load_state_dict(kDir / "qwen3_tiny.safetensors");
        QVERIFY(sd.ok());
        text::Qwen3LoadOptions o;
        o.precision = text::WeightPrecision::F32;
        auto enc = text::Qwen3Encoder::load(dir, o);
        QVERIFY2(enc.ok(), enc.ok() ? "" : enc.error().describe().c_str());
        const at::Tensor ids = sd->at("in.input_ids"), mask = sd->at("in.attention_mask");
        auto out = enc->forward(ids, mask);
        QVERIFY(out.ok());
        const at::Tensor ref = sd->at("out.hidden_last").to(at::kFloat);
        QCOMPARE(out->sizes().vec(), ref.sizes().vec());
        for (int64_t b = 0; b < ids.size(0); ++b) {
            const int64_t valid = mask[b].sum().item<int64_t>();
            const double d = max_abs_diff(out->select(0, b).narrow(0, 0, valid),
                                          ref.select(0, b).narrow(0, 0, valid));
            qInfo("qwen3_tiny row %lld: max |diff| %.3g over %lld valid tokens", (long long)b, d,
                  (long long)valid);
            QVERIFY(d < 1e-4);
        }
    }

    void clipMatchesTransformers_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("eos id") << "clip_tiny";
        QTest::newRow("legacy eos 2 (argmax)") << "clip_tiny_legacy";
    }
    void clipMatchesTransformers() {
        QFETCH(QString, name);
        const std::string n = name.toStdString();
        if (!fs::exists(kDir / (n + ".safetensors")))
            QSKIP("tests/fixtures/text/encoders/clip_tiny* absent (model-level parity pending)");
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / n;
        QVERIFY(make_folder(n, dir));
        auto sd = load_state_dict(kDir / (n + ".safetensors"));
        QVERIFY(sd.ok());
        auto enc = text::ClipTextEncoder::load(dir);
        QVERIFY2(enc.ok(), enc.ok() ? "" : enc.error().describe().c_str());
        auto out = enc->forward(sd->at("in.input_ids"));
        QVERIFY(out.ok());
        const double d_last = max_abs_diff(out->last_hidden_state, sd->at("out.last_hidden_state"));
        const double d_pool = max_abs_diff(out->pooler_output, sd->at("out.pooler_output"));
        qInfo("%s: max |diff| last %.3g, pooled %.3g", n.c_str(), d_last, d_pool);
        QVERIFY(d_last < 1e-4 && d_pool < 1e-4);
    }
};

QTEST_GUILESS_MAIN(TstTextParity)
#include "tst_text_parity.moc"
