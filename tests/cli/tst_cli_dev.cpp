// kinema-cli dev dit-forward / dev sample / generate as separate processes, on the official
// fixtures: the commands the held-out fixtures are checked through.
#include <ATen/ATen.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/cli/cli_runner.h"

#include "core/io/state_dict_loader.h"

using namespace kinema;

namespace {

using kinema::test::kCli;
using kinema::test::run_cli;
using Run = kinema::test::CliRun;
const QString kFix = QStringLiteral(KINEMA_TEST_FIXTURES "/hymotion/");
const QString kWooden = QStringLiteral(KINEMA_TEST_FIXTURES "/motion/wooden");

double max_abs(const at::Tensor& a, const at::Tensor& b) {
    if (a.sizes() != b.sizes()) return 1e30;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace

class TestCliDev : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString path(const char* name) const { return QDir(tmp_.path()).filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is not built")); }

    void ditForwardMatchesOfficial() {
        const auto r = run_cli({"dev", "dit-forward", "--weights", kFix + "dit_a.safetensors",
                                "--config", kFix + "dit_a.json", "--inputs",
                                kFix + "dit_a.safetensors", "--out", path("fwd.safetensors")});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        auto out = load_state_dict(path("fwd.safetensors").toStdString());
        auto ref = load_state_dict((kFix + "dit_a.safetensors").toStdString());
        QVERIFY(out.ok() && ref.ok());
        const double e = max_abs(out->at("out.velocity"), ref->at("out.velocity"));
        qInfo("dit-forward max |err| %.3g", e);
        QVERIFY(e <= 3e-5);
    }

    // Every key of pipeline_a_body the command writes, at the fixture README's tolerances.
    void sampleWithBodyMatchesOfficial() {
        const auto r = run_cli({"dev",           "sample",
                                "--weights",     kFix + "dit_a.safetensors",
                                "--config",      kFix + "dit_a.json",
                                "--inputs",      kFix + "pipeline_a.safetensors",
                                "--steps",       "6",
                                "--cfg",         "5",
                                "--seeds",       "0,7",
                                "--duration",    "2",
                                "--body-assets", kWooden,
                                "--out",         path("sample.safetensors")});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        auto out = load_state_dict(path("sample.safetensors").toStdString());
        auto body = load_state_dict((kFix + "pipeline_a_body.safetensors").toStdString());
        auto pipe = load_state_dict((kFix + "pipeline_a.safetensors").toStdString());
        QVERIFY(out.ok() && body.ok() && pipe.ok());
        const std::vector<std::pair<std::string, double>> from_pipe = {
            {"noise", 0.0}, {"traj.x_after_step", 3e-5}, {"latent", 3e-5}};
        const std::vector<std::pair<std::string, double>> from_body = {
            {"latent_denorm", 7e-6},
            {"rot6d", 2e-6},
            {"root_rotations_mat", 2e-6},
            {"transl", 5e-6},
            {"transl_before_ground", 4e-6},
            {"keypoints3d", 5e-6},
            {"min_y", 2e-6},
            {"lbs.frame_min_y", 5e-6},
            {"npz.poses", 3e-6},
            {"npz.trans", 5e-6},
            {"npz.Rh", 3e-6},
            {"npz.betas", 0.0}};
        for (const auto& [set, ref] :
             {std::make_pair(&from_pipe, &*pipe), std::make_pair(&from_body, &*body)}) {
            for (const auto& [key, tol] : *set) {
                QVERIFY2(out->count(key), key.c_str());
                const double e = max_abs(out->at(key), ref->at(key));
                qInfo("%-22s max |err| %.3g (tol %.1g)", key.c_str(), e, tol);
                QVERIFY2(e <= tol, key.c_str());
            }
        }
    }

    void generateDebugModelReportsJson() {
        const auto r =
            run_cli({"generate", "--model", "debug-random", "--prompt", "a person jumps",
                     "--duration", "2", "--steps", "4", "--seeds", "1,2", "--json", "-q"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const auto doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc["clips"].toArray().size(), 2);
        QCOMPARE(doc["clips"].toArray()[0].toObject()["frames"].toInt(), 60);
        QCOMPARE(doc["dit_evaluations"].toInt(), 4);
    }

    // Without --cfg a model runs at its own recommended guidance (kinema-tiny: its
    // kinema-model.json; debug-random: HY-Motion's 5); --cfg overrides it.
    void generateUsesTheModelsRecommendedGuidance() {
        QFile marker(QStringLiteral(KINEMA_SOURCE_DIR) +
                     "/resources/models/kinema-tiny/kinema-model.json");
        QVERIFY(marker.open(QIODevice::ReadOnly));
        const double recommended =
            QJsonDocument::fromJson(marker.readAll()).object()["recommended_cfg_scale"].toDouble();
        QVERIFY(recommended >= 1.0);
        const QStringList base{"generate", "--prompt", "a person waves", "--duration", "1",
                               "--steps",  "2",        "--json",         "-q"};
        auto r = run_cli(base + QStringList{"--model", "kinema-tiny"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["cfg"].toDouble(), recommended);
        r = run_cli(base + QStringList{"--model", "kinema-tiny", "--cfg", "4.5"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["cfg"].toDouble(), 4.5);
        r = run_cli(base + QStringList{"--model", "debug-random"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["cfg"].toDouble(), 5.0);
    }

    // Quality Mode is the exact path: zero deviation, same evaluations; TeaCache runs fewer.
    void benchQualityMeasuresAgainstTheExactPath() {
        QFile prompts(path("prompts.txt"));
        QVERIFY(prompts.open(QIODevice::WriteOnly));
        prompts.write("a person walks forward\n# comment\n{\"text\": \"a person waves\"}\n");
        prompts.close();
        const auto r = run_cli({"bench", "quality", "--model", "debug-random", "--prompts",
                                path("prompts.txt"), "--duration", "1", "--steps", "10", "--seeds",
                                "0", "--settings", "quality-mode,teacache-0.20", "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const auto rows = QJsonDocument::fromJson(r.out).object()["rows"].toArray();
        QCOMPARE(rows.size(), 3);
        const auto quality = rows[1].toObject();
        QCOMPARE(quality["setting"].toString(), QStringLiteral("quality-mode"));
        QCOMPARE(quality["mpjpe_mm"].toDouble(), 0.0);
        QCOMPARE(quality["max_angle_deg"].toDouble(), 0.0);
        QCOMPARE(quality["dit_evaluations"].toDouble(), 10.0);
        QVERIFY(rows[2].toObject()["dit_evaluations"].toDouble() < 10.0);
    }

    void calibrateTeaCacheWritesCoefficients() {
        QFile prompts(path("cal.txt"));
        QVERIFY(prompts.open(QIODevice::WriteOnly));
        prompts.write("a person walks forward\na person jumps\n");
        prompts.close();
        const auto r = run_cli({"calibrate-teacache", "--model", "debug-random", "--prompts",
                                path("cal.txt"), "--duration", "1", "--steps", "12", "--seeds", "0",
                                "--out", path("teacache.json"), "--json"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QFile f(path("teacache.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc["coefficients"].toArray().size(), 5);
        const auto th = doc["thresholds_for_speedup"].toArray();
        QCOMPARE(th.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const auto row = th[i].toObject();
            QVERIFY(row["replayed_evaluations"].toDouble() <=
                    12.0 / row["speedup"].toDouble() + 1e-9);
            if (i > 0)
                QVERIFY(row["threshold"].toDouble() >=
                        th[i - 1].toObject()["threshold"].toDouble());
        }
    }

    void generateExportsEveryFormat() {
        const QString out = path("exports");
        const auto r =
            run_cli({"generate", "--model", "debug-random", "--prompt",
                     "A person walks, then waves!", "--duration", "1", "--steps", "3", "--seeds",
                     "5", "--export", "bvh,fbx,glb,npz,json", "--out-dir", out, "--json", "-q"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["exported"].toArray().size(), 5);
        for (const char* ext : {"bvh", "fbx", "glb", "npz", "json", "bvh.json"}) {
            const QFileInfo f(
                QDir(out).filePath(QStringLiteral("a_person_walks_then_waves_s5.") + ext));
            QVERIFY2(f.exists() && f.size() > 100, qPrintable(f.filePath()));
        }
        const auto bad = run_cli(
            {"generate", "--model", "debug-random", "--prompt", "x", "--export", "bvh,obj"});
        QCOMPARE(bad.exit_code, 2);
    }

    void badRequestsExitWithTypedErrors() {
        auto r = run_cli(
            {"generate", "--model", "debug-random", "--prompt", "x", "--duration", "99", "--json"});
        QCOMPARE(r.exit_code, 2);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["error"].toObject()["kind"].toString(),
                 QStringLiteral("InvalidRequest"));
        r = run_cli({"generate", "--model", "debug-random", "--prompt", "x", "--seeds", "1,zz"});
        QCOMPARE(r.exit_code, 2);
        QVERIFY(r.err.contains("zz"));
    }
};

QTEST_GUILESS_MAIN(TestCliDev)
#include "tst_cli_dev.moc"
