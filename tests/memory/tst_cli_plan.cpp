// `kinema-cli plan` run as a separate process for the real Lite and Full shapes over several VRAM
// budgets: JSON invariants (peak <= budget when it fits, counts, streamed bytes), monotonicity in
// VRAM, the CPU profile and error reporting; and `bench dit --preserve-gb` running the real
// streamed DiT on the CPU.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString kCli = QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli");
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct Run {
    int exit_code = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run run_cli(const QStringList& args) {
    QProcess p;
    p.start(kCli, args);
    Run r;
    if (!p.waitForFinished(120000)) return r;
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

qint64 integer(const QJsonObject& o, const char* key) {
    return o[QLatin1String(key)].toInteger();
}

}  // namespace

class TestCliPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is not built")); }

    void budgets_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("parameters");
        QTest::addColumn<int>("blocks");
        for (auto [m, n, b] :
             {std::tuple{"lite", 460841673ll, 19}, std::tuple{"full", 1042868681ll, 28}})
            QTest::newRow(m) << QString::fromLatin1(m) << qint64(n) << b;
    }

    void budgets() {
        QFETCH(QString, model);
        QFETCH(qint64, parameters);
        QFETCH(int, blocks);
        qint64 previous_streamed = -1;
        for (auto [vram, preserve] :
             {std::pair{1.5, 0.25}, {2.0, 0.5}, {4.0, 0.5}, {8.0, 2.0}, {16.0, 4.0}, {80.0, 6.0}}) {
            for (const char* precision : {"fp32", "bf16"}) {
                const Run r = run_cli({"plan", "--model", model, "--vram-gb", QString::number(vram),
                                       "--preserve-gb", QString::number(preserve), "--precision",
                                       precision, "--ram-gb", "256", "--profile", "max-speed",
                                       "--bandwidth-gbs", "24", "--json"});
                QVERIFY2(r.exit_code == 0, r.err.constData());
                const QJsonObject doc = r.json();
                const QString where = model + " " + QString::number(vram) + " GiB " + precision;
                QCOMPARE(integer(doc, "dit_parameters"), parameters);
                QCOMPARE(integer(doc, "dit_weight_bytes"),
                         parameters * (precision == std::string("fp32") ? 4 : 2));
                const QJsonObject dit =
                    doc["pipeline"].toObject()["stages"].toObject()["dit"].toObject();
                const QJsonArray all = dit["blocks"].toArray();
                QCOMPARE(int(all.size()), blocks);
                QCOMPARE(int(doc["resident_blocks"].toArray().size() +
                             doc["streamed_blocks"].toArray().size()),
                         blocks);
                qint64 streamed = 0;
                for (const auto& b : all)
                    if (b.toObject()["where"].toString() == "streamed"_L1)
                        streamed += b.toObject()["size_bytes"].toInteger();
                QCOMPARE(integer(doc, "bytes_streamed_per_forward"), streamed);
                QVERIFY(doc["est_step_s"].toDouble() >=
                        doc["bound_step_s"].toDouble() * (1 - 1e-9));
                QVERIFY(doc["est_step_s"].toDouble() > 0);
                const qint64 budget = qint64(vram * kGiB);
                if (doc["feasible"].toBool()) {
                    QVERIFY2(integer(doc, "est_dit_peak_vram_bytes") <= budget, qPrintable(where));
                    QVERIFY2(integer(dit, "resident_bytes") + integer(dit, "ring_bytes") <=
                                 budget - qint64(preserve * kGiB),
                             qPrintable(where));
                }
                if (doc["will_fit"].toBool())
                    QVERIFY2(integer(doc, "est_peak_vram_bytes") <= budget, qPrintable(where));
                if (precision == std::string("bf16")) {
                    QVERIFY2(doc["feasible"].toBool() || vram < 2.0,
                             qPrintable(where));  // 2 GiB runs both
                    if (previous_streamed >= 0 && doc["feasible"].toBool())
                        QVERIFY2(streamed <= previous_streamed, qPrintable(where));
                    if (doc["feasible"].toBool()) previous_streamed = streamed;
                }
            }
        }
        QCOMPARE(previous_streamed, qint64(0));  // 80 GiB keeps everything resident
    }

    void full_whole_system_in_4_gib() {
        const Run r = run_cli({"plan", "--model", "full", "--vram-gb", "4", "--preserve-gb", "0.5",
                               "--ram-gb", "64", "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject doc = r.json();
        QVERIFY(doc["will_fit"].toBool());
        QVERIFY(integer(doc, "est_peak_vram_bytes") <= qint64(4 * kGiB));
        const QJsonObject enc =
            doc["pipeline"].toObject()["stages"].toObject()["encoders"].toObject();
        QVERIFY(enc["streamed_count"].toInt() > 0);  // Qwen3-8B streams layer by layer
        QCOMPARE(enc["host_blocks"].toArray().first().toString(), QString("qwen3.embed_tokens"));
    }

    void streaming_bench_on_the_simulated_device() {
        for (const char* vram : {"2", "4"}) {
            const Run r =
                run_cli({"bench", "dit", "--config", "full", "--random-weights", "--device", "sim",
                         "--precision", "fp32", "--preserve-gb", "0.5", "--vram-gb", vram,
                         "--steps", "6", "--host-gap-ms", "1", "--json"});
            QVERIFY2(r.exit_code == 0, r.err.constData());
            const QJsonObject doc = r.json();
            QCOMPARE(doc["device"].toString(), QString("sim"));
            QVERIFY(doc["streamed_count"].toInt() > 0);
            QVERIFY(integer(doc, "peak_vram_bytes") <= qint64(QString(vram).toDouble() * kGiB));
            QCOMPARE(integer(doc, "peak_vram_bytes"), integer(doc, "est_peak_vram_bytes"));
            QCOMPARE(integer(doc, "hazards"), qint64(0));
            QCOMPARE(doc["step_times_s"].toArray().size(), 6);
            QVERIFY2(
                doc["efficiency"].toDouble() >= 0.9 && doc["efficiency"].toDouble() <= 1.0 + 1e-9,
                qPrintable(QString::number(doc["efficiency"].toDouble())));
        }
    }

    void cpu_profile_and_errors() {
        const Run cpu = run_cli({"plan", "--model", "lite", "--vram-gb", "0", "--json"});
        QVERIFY2(cpu.exit_code == 0, cpu.err.constData());
        QCOMPARE(cpu.json()["profile"].toString(), QString("cpu"));
        const Run bad = run_cli({"plan", "--model", "no-such-model", "--vram-gb", "4", "--json"});
        QCOMPARE(bad.exit_code, 2);
        QCOMPARE(bad.json()["error"].toObject()["kind"].toString(), QString("InvalidRequest"));
        const Run text =
            run_cli({"plan", "--model", "lite", "--vram-gb", "6", "--preserve-gb", "1"});
        QCOMPARE(text.exit_code, 0);
        QVERIFY(text.out.contains("streamed DiT blocks"));
    }

    // `bench dit --preserve-gb` on the CPU runs the real DiT streamed per block (the fixture's
    // small config, every block streamed): bit-exact against the resident forward, the device
    // peak within the weight budget, and the simulated estimate next to it.
    void bench_stream_real() {
        const Run r = run_cli({"bench",
                               "dit",
                               "--config",
                               QStringLiteral(KINEMA_TEST_FIXTURES "/hymotion/dit_a.json"),
                               "--random-weights",
                               "--preserve-gb",
                               "0",
                               "--vram-gb",
                               "0.5",
                               "--profile",
                               "low-vram",
                               "--steps",
                               "1",
                               "--frames",
                               "30",
                               "--text-tokens",
                               "8",
                               "--threads",
                               "1",
                               "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject o = r.json();
        QCOMPARE(o["bench"].toString(), QString("dit-stream-real"));
        QVERIFY(o["bit_exact_vs_resident"].toBool());
        QVERIFY(integer(o, "streamed_count") > 0);
        QCOMPARE(integer(o, "resident_count"), qint64(1));  // the head
        QVERIFY(integer(o, "streamed_bytes_per_forward") > 0);
        QVERIFY(integer(o, "device_peak_bytes") <= integer(o, "weight_budget_bytes"));
        QVERIFY(o["sim_estimate"].toObject()["step_median_s"].toDouble() > 0);
        QCOMPARE(integer(o, "fallbacks"), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "tst_cli_plan.moc"
