// kinema-cli bench dequant as a separate process: the CPU reference run reports exact results and
// positive timings in its JSON, and --device cuda without CUDA is a typed error (exit 2) naming
// CUDA. The CUDA kernel comparison itself runs on the GPU machine (docs/benchmarks/
// run_dequant_gpu.sh) and in tests/text/tst_gpu_dequant.
#include <ATen/ATen.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include "tests/cli/cli_runner.h"

namespace {

using kinema::test::kCli;
using kinema::test::run_cli;
using Run = kinema::test::CliRun;

}  // namespace

class TestCliBenchDequant : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is not built")); }

    void cpuReferenceRunIsExactAndTimed() {
        const Run r = run_cli({"bench", "dequant", "--device", "cpu", "--shapes", "64x200",
                               "--repeats", "2", "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QJsonParseError perr;
        const QJsonObject o = QJsonDocument::fromJson(r.out, &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, r.out.constData());
        QCOMPARE(o["bench"].toString(), QString("dequant"));
        QCOMPARE(o["device"].toString(), QString("cpu"));
        QVERIFY(o["reference_run"].toBool());
        QVERIFY(o["note"].toString().contains("reference run"));
        QCOMPARE(o["repeats"].toInt(), 2);
        QVERIFY(o["all_exact"].toBool());
        QVERIFY(o["max_abs_diff"].isDouble());
        QCOMPARE(o["max_abs_diff"].toDouble(), 0.0);
        const QJsonArray rows = o["results"].toArray();
        QCOMPARE(rows.size(), 2);  // int8 and int4 by default
        QStringList precisions;
        for (const auto& v : rows) {
            const QJsonObject row = v.toObject();
            precisions << row["precision"].toString();
            QCOMPARE(row["out_features"].toInt(), 64);
            QCOMPARE(row["in_features"].toInt(), 200);
            QCOMPARE(row["path"].toString(), QString("cpu"));
            QVERIFY(row["max_abs_diff"].isDouble());
            QCOMPARE(row["max_abs_diff"].toDouble(), 0.0);
            QVERIFY(row["exact"].toBool());
            QVERIFY(row["median_ms"].toDouble() > 0);
            QVERIFY(row["min_ms"].toDouble() > 0);
            QVERIFY(row["min_ms"].toDouble() <= row["median_ms"].toDouble());
            QVERIFY(row["gbs"].toDouble() > 0);
            QCOMPARE(row["output_bytes"].toInteger(), qint64(64 * 200 * 4));
        }
        QCOMPARE(precisions, QStringList({"int8", "int4"}));
        // Stored bytes: int8 = codes + one float scale per row; int4 = 2 groups of 128 columns
        // (64 packed bytes each) + float scale and offset per group.
        QCOMPARE(rows[0].toObject()["stored_bytes"].toInteger(), qint64(64 * 200 + 64 * 4));
        QCOMPARE(rows[1].toObject()["stored_bytes"].toInteger(),
                 qint64(64 * 2 * 64 + 2 * 64 * 2 * 4));
    }

    void textTableAndPrecisionSelection() {
        const Run r = run_cli({"bench", "dequant", "--device", "cpu", "--shapes", "200x130,8x6",
                               "--precision", "int4", "--repeats", "1"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QVERIFY(r.out.contains("reference run"));
        QVERIFY(r.out.contains("200x130"));
        QVERIFY(r.out.contains("8x6"));
        QVERIFY(!r.out.contains("int8"));
        QVERIFY(r.out.contains("all bit-identical"));
    }

    void cudaWithoutCudaIsTypedError() {
        if (at::hasCUDA()) QSKIP("this libtorch sees a CUDA device: --device cuda is valid here");
        const Run j = run_cli({"bench", "dequant", "--device", "cuda", "--shapes", "64x200",
                               "--repeats", "2", "--json"});
        QCOMPARE(j.exit_code, 2);
        const QJsonObject err = QJsonDocument::fromJson(j.out).object()["error"].toObject();
        QCOMPARE(err["kind"].toString(), QString("InvalidRequest"));
        QVERIFY2(err["message"].toString().contains("CUDA"), j.out.constData());
        const Run t = run_cli({"bench", "dequant", "--device", "cuda", "--shapes", "64x200"});
        QVERIFY(t.exit_code != 0);
        QVERIFY2(t.err.contains("CUDA"), t.err.constData());
    }

    void badOptionsExit2() {
        QCOMPARE(run_cli({"bench", "dequant", "--shapes", "64y200"}).exit_code, 2);
        QCOMPARE(run_cli({"bench", "dequant", "--shapes", "0x8"}).exit_code, 2);
        QCOMPARE(run_cli({"bench", "dequant", "--precision", "bf16"}).exit_code, 2);
        QCOMPARE(run_cli({"bench", "dequant", "--device", "tpu"}).exit_code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliBenchDequant)
#include "tst_cli_bench_dequant.moc"
