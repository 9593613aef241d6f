// Exports checked by the tools animators use (label e2e): the Khronos glTF validator, three.js'
// BVHLoader, GLTFLoader and FBXLoader (npm, installed into <build>/test-clients on first use), and
// Blender 3.4 importing our BVH, GLB and FBX: every bone's world head on every frame must be within
// 1 mm of Kinema's own FK. Blender is Z-up; its importers map our Y-up (x, y, z) to (x, -z, y). Set
// KINEMA_EXPORT_TEST_KEEP=<dir> to keep the exported files and Blender's reports there.
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/export/clip_animation.h"
#include "core/export/motion_exporter.h"
#include "core/motion/bvh_reader.h"
#include "core/motion/motion_resample.h"
#include "tests/export/export_test_support.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

const QString kClients = KINEMA_SOURCE_DIR "/tests/export/clients";

struct Comparison {
    QString error;  // empty when the comparison could be made
    double max_mm = 1e9;
    int bones = 0;
    int64_t frames = 0;
};

// Blender's heads (Z-up) vs our FK (Y-up), bones matched by name, every frame.
Comparison compare_heads(const nlohmann::json& report, const SkeletalAnimation& reference) {
    Comparison c;
    const auto& bones = report.at("bones");
    const auto& heads = report.at("heads");
    c.frames = static_cast<int64_t>(heads.size());
    if (c.frames != reference.num_frames()) {
        c.error =
            QString("Blender has %1 frames, Kinema %2").arg(c.frames).arg(reference.num_frames());
        return c;
    }
    const auto world = reference.world_positions();
    const int J = reference.num_joints();
    double worst = 0;
    for (size_t b = 0; b < bones.size(); ++b) {
        const int j = find_joint(reference, bones[b].get<std::string>());
        if (j < 0) continue;
        ++c.bones;
        for (int64_t f = 0; f < c.frames; ++f) {
            const auto& h = heads[f][b];
            const Vec3& p = world[static_cast<size_t>(f * J + j)];
            const Vec3 blender_as_y_up = {h[0].get<double>(), h[2].get<double>(),
                                          -h[1].get<double>()};
            worst = std::max(worst, norm(blender_as_y_up - p));
        }
    }
    if (c.bones != J) c.error = QString("Blender has %1 of our %2 joints").arg(c.bones).arg(J);
    c.max_mm = worst * 1000.0;
    return c;
}

}  // namespace

class TestExportClients : public QObject {
    Q_OBJECT

    QTemporaryDir temp_;
    fs::path dir_;
    MotionClip clip_;
    QString node_dir_, node_why_;

    fs::path file(const std::string& name) const { return dir_ / name; }

    void exportAll() {
        ExportMetadata metadata;
        metadata.prompt = "a person walks forward and waves";
        metadata.seed = clip_.seed;
        metadata.steps = 6;
        metadata.cfg_scale = 5.0;
        metadata.model_id = "golden-pipeline-a";
        ExportOptions cm52;
        ExportOptions m22;
        m22.joints = 22;
        m22.bvh_unit = LengthUnit::Metres;
        m22.rotation_order = "ZXY";
        m22.mannequin = false;
        QVERIFY(export_clip(clip_, metadata, ExportFormat::Bvh, file("clip52_cm.bvh"), cm52).ok());
        QVERIFY(export_clip(clip_, metadata, ExportFormat::Bvh, file("clip22_m.bvh"), m22).ok());
        QVERIFY(export_clip(clip_, metadata, ExportFormat::Glb, file("clip52.glb"), cm52).ok());
        QVERIFY(export_clip(clip_, metadata, ExportFormat::Glb, file("clip22_bare.glb"), m22).ok());
        const auto fbx = export_clip(clip_, metadata, ExportFormat::Fbx, file("clip52.fbx"), cm52);
        QVERIFY2(fbx.ok() || fbx.error().kind == ErrorKind::Unsupported,
                 fbx.ok() ? "" : fbx.error().describe().c_str());
        if (fbx.ok())
            QVERIFY(
                export_clip(clip_, metadata, ExportFormat::Fbx, file("clip22_bare.fbx"), m22).ok());
    }

    // Runs Blender on `input`, returns its report (QFAIL on failure, QSKIP without Blender).
    bool blender_report(const QString& kind, const fs::path& input, double scale,
                        nlohmann::json& out, double fps) {
        const QString blender = test::blender_executable();
        if (blender.isEmpty()) return false;
        const fs::path report = dir_ / (input.filename().string() + ".blender.json");
        const auto r = test::run_process(
            blender,
            {"-b", "--factory-startup", "--python", kClients + "/blender_heads.py", "--", kind,
             QString::fromStdString(input.string()), QString::fromStdString(report.string()),
             "--scale", QString::number(scale), "--fps", QString::number(fps)},
            600);
        if (!r.started || r.exit_code != 0 || !fs::exists(report)) {
            qWarning("%s", qPrintable(r.output.right(4000)));
            return false;
        }
        std::ifstream in(report);
        out = nlohmann::json::parse(in, nullptr, false);
        return !out.is_discarded();
    }

    void check_blender(const QString& kind, const fs::path& input, double scale,
                       const SkeletalAnimation& reference, const char* label,
                       bool expect_mannequin = false, double fps = 30) {
        if (test::blender_executable().isEmpty())
            QSKIP("Blender is not installed (apt-get install blender); Blender checks skipped");
        if (!fs::exists(input)) QSKIP("this format is not exported by this build");
        nlohmann::json report;
        QVERIFY2(blender_report(kind, input, scale, report, fps),
                 "Blender failed to import the file");
        QVERIFY2(std::abs(report.at("fps").get<double>() - fps) < 0.01,
                 qPrintable(QString("Blender fps %1").arg(report.at("fps").get<double>())));
        const Comparison c = compare_heads(report, reference);
        qInfo("Blender %s: %d bones x %lld frames, max |head - Kinema FK| = %.4f mm", label,
              c.bones, static_cast<long long>(c.frames), c.max_mm);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY2(c.max_mm <= 1.0, qPrintable(QString("%1 mm > 1 mm").arg(c.max_mm)));
        if (expect_mannequin) {
            const double moved = report.value("mesh_motion_m", 0.0);
            qInfo("Blender %s: mannequin %d vertices, moves up to %.3f m", label,
                  report.value("mesh_vertices", 0), moved);
            QCOMPARE(report.at("meshes").size(), size_t(1));
            QVERIFY2(moved > 0.05, "the mannequin mesh does not follow the skeleton");
        }
    }

    QString node_run(const QStringList& args) {
        for (const QString& script :
             {QStringLiteral("validate_gltf.cjs"), QStringLiteral("three_load.mjs")}) {
            QFile::remove(node_dir_ + "/" + script);
            QFile::copy(kClients + "/" + script, node_dir_ + "/" + script);
        }
        const auto r = test::run_process("node", args, 300, node_dir_);
        if (!r.started || r.exit_code != 0) qWarning("%s", qPrintable(r.output.right(4000)));
        return r.started && r.exit_code == 0 ? r.output.trimmed().split('\n').last() : QString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        const QByteArray keep = qgetenv("KINEMA_EXPORT_TEST_KEEP");
        dir_ = keep.isEmpty() ? fs::path(temp_.path().toStdString()) : fs::path(keep.toStdString());
        fs::create_directories(dir_);
        clip_ = test::golden_clip(0);
        exportAll();
    }

    void gltfValidatorHasNoErrors() {
        node_dir_ = test::node_clients_dir(&node_why_);
        if (node_dir_.isEmpty() && node_why_.startsWith("node/npm not installed"))
            QSKIP(qPrintable(node_why_));
        QVERIFY2(!node_dir_.isEmpty(), qPrintable(node_why_));
        for (const char* name : {"clip52.glb", "clip22_bare.glb"}) {
            const QString line =
                node_run({"validate_gltf.cjs", QString::fromStdString(file(name).string())});
            qInfo("gltf-validator %s: %s", name, qPrintable(line.left(600)));
            const auto j = nlohmann::json::parse(line.toStdString(), nullptr, false);
            QVERIFY2(!j.is_discarded(), "no validator report");
            QCOMPARE(j.at("errors").get<int>(), 0);
        }
    }

    void threeLoadsBvhAndGlb() {
        if (node_dir_.isEmpty()) QSKIP(qPrintable("node clients unavailable: " + node_why_));
        const auto bvh52 =
            nlohmann::json::parse(node_run({"three_load.mjs", "bvh",
                                            QString::fromStdString(file("clip52_cm.bvh").string())})
                                      .toStdString(),
                                  nullptr, false);
        qInfo("three BVHLoader: %s", bvh52.dump().c_str());
        QVERIFY(!bvh52.is_discarded());
        QCOMPARE(bvh52.at("joints").get<int>(), 52);
        QCOMPARE(bvh52.at("frames").get<int>(), int(clip_.frames()));
        QCOMPARE(bvh52.at("root").get<std::string>(), std::string("Pelvis"));
        const auto bvh22 =
            nlohmann::json::parse(node_run({"three_load.mjs", "bvh",
                                            QString::fromStdString(file("clip22_m.bvh").string())})
                                      .toStdString(),
                                  nullptr, false);
        QVERIFY(!bvh22.is_discarded());
        QCOMPARE(bvh22.at("joints").get<int>(), 22);
        const auto glb = nlohmann::json::parse(
            node_run({"three_load.mjs", "glb", QString::fromStdString(file("clip52.glb").string())})
                .toStdString(),
            nullptr, false);
        qInfo("three GLTFLoader: %s", glb.dump().c_str());
        QVERIFY(!glb.is_discarded());
        QCOMPARE(glb.at("animations").get<int>(), 1);
        QCOMPARE(glb.at("bones").get<int>(), 52);
        QCOMPARE(glb.at("skinned_meshes").get<int>(), 1);
        QVERIFY(std::abs(glb.at("duration").get<double>() - double(clip_.frames() - 1) / 30.0) <
                1e-4);
        if (!fs::exists(file("clip52.fbx"))) return;
        const auto fbx = nlohmann::json::parse(
            node_run({"three_load.mjs", "fbx", QString::fromStdString(file("clip52.fbx").string())})
                .toStdString(),
            nullptr, false);
        qInfo("three FBXLoader: %s", fbx.dump().c_str());
        QVERIFY(!fbx.is_discarded());
        QCOMPARE(fbx.at("animations").get<int>(), 1);
        QCOMPARE(fbx.at("bones").get<int>(), 52);
        QCOMPARE(fbx.at("skinned_meshes").get<int>(), 1);
        QCOMPARE(fbx.at("tracks").get<int>(), 53);
        QVERIFY(std::abs(fbx.at("duration").get<double>() - double(clip_.frames() - 1) / 30.0) <
                1e-4);
    }

    void blenderBvh() {
        check_blender("bvh", file("clip52_cm.bvh"), 0.01, *animation_from_clip(clip_, 52),
                      "BVH 52 cm ZYX");
        check_blender("bvh", file("clip22_m.bvh"), 1.0, *animation_from_clip(clip_, 22),
                      "BVH 22 m ZXY");
    }

    void blenderGlb() {
        check_blender("glb", file("clip52.glb"), 1.0, *animation_from_clip(clip_, 52),
                      "GLB 52 + mannequin", true);
        check_blender("glb", file("clip22_bare.glb"), 1.0, *animation_from_clip(clip_, 22),
                      "GLB 22");
    }

    void blenderFbx() {
        check_blender("fbx", file("clip52.fbx"), 1.0, *animation_from_clip(clip_, 52),
                      "FBX 52 + mannequin", true);
        check_blender("fbx", file("clip22_bare.fbx"), 1.0, *animation_from_clip(clip_, 22),
                      "FBX 22");
    }

    void blenderResampled24Fps() {
        // Slerp-resampled to 24 fps: every format carries the rate (BVH Frame Time, glTF times,
        // FBX TimeMode) and Blender's heads match our resampled FK.
        ExportOptions o;
        o.fps = 24;
        o.mannequin = false;
        for (auto f : {ExportFormat::Bvh, ExportFormat::Glb, ExportFormat::Fbx}) {
            const auto path = file(std::string("clip24.") + export_format_name(f));
            const auto s = export_clip(clip_, {}, f, path, o);
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
        }
        const auto reference = resample_animation(*animation_from_clip(clip_, 52), 24.0);
        KINEMA_REQUIRE_OK(reference);
        QCOMPARE(reference->num_frames(), int64_t(48));
        check_blender("bvh", file("clip24.bvh"), 0.01, *reference, "BVH 24 fps", false, 24);
        check_blender("glb", file("clip24.glb"), 1.0, *reference, "GLB 24 fps", false, 24);
        check_blender("fbx", file("clip24.fbx"), 1.0, *reference, "FBX 24 fps", false, 24);
    }

    void blenderReadsRealBvhAsOurReaderDoes() {
        // Our BVH reader's conventions against Blender's importer on a third-party clip.
        const fs::path cmu = KINEMA_TEST_FIXTURES "/export/bvhpython_test_mocapbank.bvh";
        const auto clip = read_bvh(cmu, 0.01);
        KINEMA_REQUIRE_OK(clip);
        check_blender("bvh", cmu, 0.01, clip->animation, "third-party BVH (mocapbank)");
    }
};

QTEST_GUILESS_MAIN(TestExportClients)
#include "tst_export_clients.moc"
