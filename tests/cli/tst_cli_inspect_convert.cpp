// kinema-cli inspect / convert, run as a separate process: JSON numbers on the dit_a fixture and
// the torch.save fixture, byte-identical ckpt -> safetensors conversion, error reporting.
#include <ATen/ATen.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/cli/cli_runner.h"

#include <cstring>

#include "core/io/safetensors_file.h"
#include "tests/io/zip_test_util.h"

using namespace kinema;

namespace {

using kinema::test::kCli;
using kinema::test::run_cli;
using Run = kinema::test::CliRun;
const QString kDitA = QStringLiteral(KINEMA_TEST_FIXTURES "/hymotion/dit_a.safetensors");
const QString kTiny = QStringLiteral(KINEMA_TEST_FIXTURES "/io/tiny_checkpoint.ckpt");
const std::string kTwin = KINEMA_TEST_FIXTURES "/io/tiny_checkpoint_expected.safetensors";

const uint8_t* bytes_of(const at::Tensor& t) {
    return static_cast<const uint8_t*>(t.data_ptr());
}

}  // namespace

class TestCliInspectConvert : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString path(const char* name) const { return QDir(tmp_.path()).filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is not built")); }

    void inspect_dit_a_json() {
        const Run r = run_cli({"inspect", kDitA, "--prefix", "motion_transformer.", "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject doc = r.json();
        QCOMPARE(doc["format"].toString(), QString("safetensors"));
        const QJsonObject totals = doc["totals"].toObject();
        QCOMPARE(totals["tensor_count"].toInteger(), 142);
        QCOMPARE(totals["parameter_count"].toInteger(), 2869577);
        QCOMPARE(totals["total_bytes"].toInteger(), 2 * 2869577);
        QCOMPARE(totals["dtype"].toString(), QString("F16"));
        QCOMPARE(totals["dtypes"].toObject()["F16"].toObject()["tensors"].toInteger(), 142);
        const QJsonArray tensors = doc["tensors"].toArray();
        QCOMPARE(tensors.size(), 142);
        const QJsonObject first = tensors[0].toObject();
        QVERIFY(first["name"].toString().startsWith("motion_transformer."));
        QCOMPARE(first["dtype"].toString(), QString("F16"));
    }

    void inspect_dit_a_text_and_unfiltered() {
        const Run text = run_cli({"inspect", kDitA, "--prefix", "motion_transformer."});
        QCOMPARE(text.exit_code, 0);
        QVERIFY2(text.out.contains("142 tensors, 2869577 parameters"),
                 text.out.right(300).constData());
        const Run all = run_cli({"inspect", kDitA, "--json"});
        QCOMPARE(all.exit_code, 0);
        const QJsonObject totals = all.json()["totals"].toObject();
        QVERIFY(totals["tensor_count"].toInteger() > 142);
        QCOMPARE(totals["dtype"].toString(), QString("mixed"));
    }

    void inspect_checkpoint() {
        const Run r = run_cli({"inspect", kTiny, "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject doc = r.json();
        QCOMPARE(doc["format"].toString(), QString("torch-checkpoint"));
        QCOMPARE(doc["state_dict_key"].toString(), QString("model_state_dict"));
        QCOMPARE(doc["totals"].toObject()["tensor_count"].toInteger(), 20);
        QCOMPARE(doc["other_keys"].toObject()["epoch"].toString(), QString("3"));
        QCOMPARE(doc["other_keys"].toObject()["global_step"].toString(), QString("1000"));
        const QJsonObject dtypes = doc["totals"].toObject()["dtypes"].toObject();
        for (const char* d : {"F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"})
            QVERIFY2(dtypes.contains(d), d);
    }

    void convert_checkpoint_byte_identical() {
        const QString out = path("tiny.safetensors");
        const Run r = run_cli({"convert", kTiny, out, "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject doc = r.json();
        QCOMPARE(doc["tensor_count"].toInteger(), 20);
        QCOMPARE(doc["output_bytes"].toInteger(), QFileInfo(out).size());
        QVERIFY(doc["skipped_keys"].toObject().contains("epoch"));

        auto converted = SafetensorsFile::open(out.toStdString());
        QVERIFY2(converted.ok(), converted.ok() ? "" : converted.error().describe().c_str());
        auto twin = SafetensorsFile::open(kTwin);
        QVERIFY(twin.ok());
        QCOMPARE(converted->entries().size(), twin->entries().size());
        QCOMPARE(converted->metadata().at("format"), std::string("pt"));
        // Keys verbatim; same dtype, shape and bytes for every tensor.
        for (const auto& e : twin->entries()) {
            const auto* c = converted->find(e.name);
            QVERIFY2(c != nullptr, e.name.c_str());
            QCOMPARE(c->dtype, e.dtype);
            QCOMPARE(c->shape, e.shape);
            QCOMPARE(c->nbytes(), e.nbytes());
            const at::Tensor a = converted->tensor(e.name).value();
            const at::Tensor b = twin->tensor(e.name).value();
            QVERIFY2(e.nbytes() == 0 || std::memcmp(bytes_of(a), bytes_of(b), e.nbytes()) == 0,
                     e.name.c_str());
        }
        // File order is the checkpoint's state-dict order within each element size.
        QCOMPARE(converted->entries().front().name, std::string("norm.num_batches_tracked"));

        // The output exists: refused without --force, replaced with it.
        const Run again = run_cli({"convert", kTiny, out, "--json"});
        QCOMPARE(again.exit_code, 2);
        QCOMPARE(again.json()["error"].toObject()["kind"].toString(), QString("InvalidRequest"));
        QCOMPARE(run_cli({"convert", kTiny, out, "--force"}).exit_code, 0);
        QVERIFY(QDir(tmp_.path()).entryList({"*.tmp-*"}).isEmpty());
    }

    void convert_with_prefix() {
        const QString out = path("norm.safetensors");
        const Run r = run_cli({"convert", kTiny, out, "--prefix", "norm.", "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QCOMPARE(r.json()["tensor_count"].toInteger(), 5);
        const Run inspect = run_cli({"inspect", out, "--json"});
        QCOMPARE(inspect.json()["totals"].toObject()["tensor_count"].toInteger(), 5);
    }

    void errors_are_reported() {
        const Run missing = run_cli({"inspect", path("nope.safetensors"), "--json"});
        QCOMPARE(missing.exit_code, 3);
        QCOMPARE(missing.json()["error"].toObject()["kind"].toString(), QString("Io"));

        const QString marker = path("pwned");
        const std::string pickle =
            "\x80\x02"
            "cos\nsystem\n" +
            kinema::test::pickle_binunicode("touch " + marker.toStdString()) +
            "\x85"
            "R.";
        QVERIFY(
            kinema::test::write_checkpoint_with_pickle(path("evil.ckpt").toStdString(), pickle));
        const Run evil = run_cli({"inspect", path("evil.ckpt"), "--json"});
        QCOMPARE(evil.exit_code, 2);
        const QJsonObject error = evil.json()["error"].toObject();
        QCOMPARE(error["kind"].toString(), QString("BadModelFile"));
        QVERIFY2(error["message"].toString().contains("refusing pickle global os.system"),
                 qPrintable(error["message"].toString()));
        const Run convert = run_cli({"convert", path("evil.ckpt"), path("evil.safetensors")});
        QCOMPARE(convert.exit_code, 2);
        QVERIFY(convert.err.contains("os.system"));
        QVERIFY(!QFile::exists(path("evil.safetensors")));
        QVERIFY(!QFile::exists(marker));
    }
};

QTEST_GUILESS_MAIN(TestCliInspectConvert)
#include "tst_cli_inspect_convert.moc"
