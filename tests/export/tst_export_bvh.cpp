// BVH writer and reader: Euler conventions, write -> read -> FK round trips of the golden clip
// (22/52 joints, m/cm, every rotation order, resampled), real CMU-style clips read and re-written,
// and typed errors on malformed files.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/export/bvh_writer.h"
#include "core/export/clip_animation.h"
#include "core/export/motion_exporter.h"
#include "core/motion/bvh_reader.h"
#include "core/motion/motion_resample.h"
#include "core/motion/pose_math.h"
#include "tests/export/export_test_support.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

const fs::path kFixtures = KINEMA_TEST_FIXTURES "/export";

double max_matrix_diff(const Mat3& a, const Mat3& b) {
    double e = 0;
    for (int i = 0; i < 9; ++i)
        e = std::max(e, std::abs(a[i] - b[i]));
    return e;
}

// max |FK(a) - FK(b)| over frames and joints, matching joints by name.
double max_fk_diff(const SkeletalAnimation& a, const SkeletalAnimation& b) {
    if (a.num_frames() != b.num_frames()) return 1e9;
    const auto pa = a.world_positions(), pb = b.world_positions();
    double e = 0;
    for (int j = 0; j < a.num_joints(); ++j) {
        const int k = find_joint(b, a.names[j]);
        if (k < 0) return 1e9;
        for (int64_t f = 0; f < a.num_frames(); ++f)
            e = std::max(e, norm(pa[f * a.num_joints() + j] - pb[f * b.num_joints() + k]));
    }
    return e;
}

// max |FK - clip.joints| (the engine's float32 world joints), by name on the 52 SMPL-H joints.
double max_clip_diff(const SkeletalAnimation& a, const MotionClip& clip) {
    const auto p = a.world_positions();
    const auto joints = clip.joints.to(at::kDouble).contiguous();
    const double* q = joints.data_ptr<double>();
    const auto ref = animation_from_clip(clip, 52);
    double e = 0;
    for (int j = 0; j < a.num_joints(); ++j) {
        const int k = find_joint(*ref, a.names[j]);
        if (k < 0) return 1e9;
        for (int64_t f = 0; f < a.num_frames(); ++f)
            for (int c = 0; c < 3; ++c)
                e = std::max(e, std::abs(p[f * a.num_joints() + j][c] - q[(f * 52 + k) * 3 + c]));
    }
    return e;
}

}  // namespace

class TestExportBvh : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eulerRoundTripsInEveryOrder() {
        std::mt19937 rng(5);
        std::uniform_real_distribution<double> u(-kPi, kPi);
        for (const char* name : {"XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"}) {
            const auto order = parse_euler_order(name);
            KINEMA_REQUIRE_OK(order);
            QCOMPARE(QString::fromStdString(euler_order_name(*order)), QString(name));
            double worst = 0;
            for (int i = 0; i < 500; ++i) {
                Vec3 angles = {u(rng), u(rng) / 2, u(rng)};
                if (i % 50 == 0) angles[1] = (i % 100 ? 1 : -1) * kPi / 2;  // gimbal lock
                const Mat3 m = euler_to_mat(angles, *order);
                worst = std::max(worst,
                                 max_matrix_diff(euler_to_mat(mat_to_euler(m, *order), *order), m));
                const Vec3 near = mat_to_euler_near(m, *order, {3, -2, 1});
                worst = std::max(worst, max_matrix_diff(euler_to_mat(near, *order), m));
            }
            QVERIFY2(worst < 1e-9, qPrintable(QString("%1: %2").arg(name).arg(worst)));
        }
        QCOMPARE(parse_euler_order("XXY").ok(), false);
        QCOMPARE(parse_euler_order("XYZW").error().kind, ErrorKind::InvalidRequest);
        // BVH's intrinsic convention: "ZXY" is Rz * Rx * Ry.
        const Mat3 expected =
            mat_mul(mat_mul(axis_rotation(2, 0.3), axis_rotation(0, -0.7)), axis_rotation(1, 1.1));
        QVERIFY(max_matrix_diff(euler_to_mat({0.3, -0.7, 1.1}, *parse_euler_order("ZXY")),
                                expected) < 1e-15);
    }

    void goldenClipRoundTrips_data() {
        QTest::addColumn<int>("joints");
        QTest::addColumn<QString>("order");
        QTest::addColumn<double>("units_per_m");
        QTest::newRow("52 ZYX cm") << 52 << "ZYX" << 100.0;
        QTest::newRow("22 ZXY m") << 22 << "ZXY" << 1.0;
        QTest::newRow("52 XYZ m") << 52 << "XYZ" << 1.0;
        QTest::newRow("22 YZX cm") << 22 << "YZX" << 100.0;
        QTest::newRow("52 XZY cm") << 52 << "XZY" << 100.0;
        QTest::newRow("22 YXZ cm") << 22 << "YXZ" << 100.0;
    }
    void goldenClipRoundTrips() {
        QFETCH(int, joints);
        QFETCH(QString, order);
        QFETCH(double, units_per_m);
        for (int sample : {0, 1}) {
            const MotionClip clip = test::golden_clip(sample);
            const auto animation = animation_from_clip(clip, joints);
            KINEMA_REQUIRE_OK(animation);
            QCOMPARE(animation->num_joints(), joints);
            // Our double FK reproduces the engine's float32 world joints.
            const double fk_vs_clip = max_clip_diff(*animation, clip);
            QVERIFY2(fk_vs_clip < 2e-6, qPrintable(QString::number(fk_vs_clip)));

            BvhWriteOptions options;
            options.rotation_order = *parse_euler_order(order.toStdString());
            options.units_per_m = units_per_m;
            const auto text = bvh_text(*animation, options);
            KINEMA_REQUIRE_OK(text);
            const auto read = parse_bvh(*text, 1.0 / units_per_m);
            KINEMA_REQUIRE_OK(read);
            QCOMPARE(read->animation.num_joints(), joints);
            QCOMPARE(read->animation.num_frames(), clip.frames());
            QVERIFY(std::abs(read->animation.fps - 30.0) < 1e-6);
            QVERIFY(read->rotation_orders[1] == options.rotation_order);
            const double err = max_clip_diff(read->animation, clip);
            qInfo("sample %d: write -> read -> FK vs engine joints max err %.3g m", sample, err);
            QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));
        }
    }

    void exportClipWritesFileAndSidecar() {
        const MotionClip clip = test::golden_clip(0);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "walk.bvh";
        ExportMetadata metadata;
        metadata.prompt = "a person walks forward";
        metadata.seed = 0;
        ExportOptions options;
        options.fps = 24;  // slerp-resampled
        KINEMA_REQUIRE_OK(export_clip(clip, metadata, ExportFormat::Bvh, path, options));
        QVERIFY(fs::exists(path));
        QVERIFY(fs::exists(fs::path(path.string() + ".json")));
        for (const auto& e : fs::directory_iterator(dir.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos,
                     "temporary file left behind");
        const auto read = read_bvh(path, 0.01);
        KINEMA_REQUIRE_OK(read);
        QVERIFY(std::abs(read->animation.fps - 24.0) < 1e-6);
        // 60 frames at 30 fps = 59/30 s -> floor(59/30 * 24) + 1 = 48 frames at 24 fps.
        QCOMPARE(read->animation.num_frames(), int64_t(48));
        const auto reference = resample_animation(*animation_from_clip(clip, 52), 24.0);
        KINEMA_REQUIRE_OK(reference);
        QVERIFY(max_fk_diff(read->animation, *reference) < 1e-4);
        // Frame 4 at 24 fps is frame 5 at 30 fps exactly.
        const auto full = animation_from_clip(clip, 52);
        const auto p24 = reference->world_positions(), p30 = full->world_positions();
        for (int j = 0; j < 52; ++j)
            QVERIFY(norm(p24[4 * 52 + j] - p30[5 * 52 + j]) < 1e-9);

        // Bad options are typed errors and leave nothing behind.
        options.rotation_order = "XYY";
        const fs::path bad = fs::path(dir.path().toStdString()) / "bad.bvh";
        const auto status = export_clip(clip, metadata, ExportFormat::Bvh, bad, options);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().kind, ErrorKind::InvalidRequest);
        QVERIFY(!fs::exists(bad));
        options = {};
        options.joints = 30;
        QCOMPARE(export_clip(clip, metadata, ExportFormat::Bvh, bad, options).error().kind,
                 ErrorKind::InvalidRequest);
        const auto missing =
            export_clip(clip, metadata, ExportFormat::Bvh, "/nonexistent-dir/x.bvh", {});
        QCOMPARE(missing.error().kind, ErrorKind::Io);
    }

    void realClipsReadAndRewrite_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("joints");
        QTest::addColumn<int>("frames");
        QTest::newRow("mocapbank (ZXY, tabs)") << "bvhpython_test_mocapbank.bvh" << 19 << 455;
        QTest::newRow("mixamo (names with ':')") << "bvhpython_test_freebvh.bvh" << 55 << 69;
    }
    void realClipsReadAndRewrite() {
        QFETCH(QString, file);
        QFETCH(int, joints);
        QFETCH(int, frames);
        const auto clip = read_bvh(kFixtures / file.toStdString(), 0.01);
        KINEMA_REQUIRE_OK(clip);
        const auto& a = clip->animation;
        QCOMPARE(a.num_joints(), joints);
        QCOMPARE(a.num_frames(), int64_t(frames));
        QVERIFY(std::abs(a.fps - 30.0) < 0.01);
        // Re-written in another order and unit, read back: same FK.
        BvhWriteOptions options;
        options.rotation_order = *parse_euler_order("YXZ");
        options.units_per_m = 1.0;
        const auto text = bvh_text(a, options);
        KINEMA_REQUIRE_OK(text);
        const auto again = parse_bvh(*text, 1.0);
        KINEMA_REQUIRE_OK(again);
        const double err = max_fk_diff(a, again->animation);
        qInfo("%s: rewrite FK max err %.3g m", qPrintable(file), err);
        QVERIFY(err < 1e-4);
        // The clip moves (a reader that ignored channels would fail the checks above trivially).
        const auto p = a.world_positions();
        QVERIFY(norm(p[0] - p[(a.num_frames() - 1) * a.num_joints()]) > 0.05 ||
                norm(p[5] - p[(a.num_frames() / 2) * a.num_joints() + 5]) > 0.01);
    }

    void malformedFilesAreTypedErrors() {
        QCOMPARE(parse_bvh("").error().kind, ErrorKind::BadModelFile);
        QCOMPARE(parse_bvh("HIERARCHY\nROOT a\n{\nOFFSET 0 0\n").error().kind,
                 ErrorKind::BadModelFile);
        const std::string ok =
            "HIERARCHY\nROOT a\n{\n OFFSET 0 0 0\n CHANNELS 3 Zrotation Xrotation Yrotation\n"
            " End Site\n {\n OFFSET 0 1 0\n }\n}\nMOTION\nFrames: 2\nFrame Time: 0.5\n"
            "0 0 0\n90 0 0\n";
        const auto parsed = parse_bvh(ok);
        KINEMA_REQUIRE_OK(parsed);
        QCOMPARE(parsed->animation.num_frames(), int64_t(2));
        QVERIFY(max_matrix_diff(parsed->animation.rotation(1, 0), axis_rotation(2, kPi / 2)) <
                1e-12);
        auto truncated = ok.substr(0, ok.size() - 7);
        const auto short_file = parse_bvh(truncated);
        QCOMPARE(short_file.error().kind, ErrorKind::BadModelFile);
        QVERIFY(short_file.error().message.find("line") != std::string::npos);
        QCOMPARE(parse_bvh(ok + "1 2 3\n").error().kind, ErrorKind::BadModelFile);
        std::string nan = ok;
        nan.replace(nan.find("90 0 0"), 6, "x 0 0");
        QCOMPARE(parse_bvh(nan).error().kind, ErrorKind::BadModelFile);
        QCOMPARE(read_bvh("/nonexistent.bvh").error().kind, ErrorKind::Io);
    }
};

QTEST_GUILESS_MAIN(TestExportBvh)
#include "tst_export_bvh.moc"
