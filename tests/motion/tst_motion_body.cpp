// Golden tests of the decode -> grounding -> NPZ path against the official outputs
// (tests/fixtures/hymotion/pipeline_a_body.*, tolerances from its README), plus error paths.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <filesystem>
#include <optional>

#include "core/motion/body_grounding.h"
#include "core/motion/motion_decoder.h"
#include "core/motion/motion_normalization.h"
#include "core/motion/npz_pose.h"
#include "core/motion/rotations.h"
#include "core/motion/skeleton.h"
#include "core/motion/wooden_body.h"
#include "tests/motion/fixture_tensors.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

const std::string kHy = KINEMA_TEST_FIXTURES "/hymotion/";
const fs::path kWooden = KINEMA_TEST_FIXTURES "/motion/wooden";

#define KINEMA_EXPECT_CLOSE(name, actual, expected, tol)                                  \
    do {                                                                                  \
        const double err_ = test::max_abs_diff((actual), (expected));                     \
        qInfo("%-34s max|err| = %.3g (tol %.1g)", name, err_, static_cast<double>(tol));  \
        QVERIFY2(err_ <= (tol),                                                           \
                 qPrintable(QStringLiteral("%1: %2 > %3").arg(name).arg(err_).arg(tol))); \
    } while (0)

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

// A copy of the wooden folder in `dir`, with `file` cut to `bytes` (or rewritten by `patch`).
fs::path copy_wooden(const QTemporaryDir& dir) {
    const fs::path out = dir.path().toStdString();
    for (const auto& e : fs::directory_iterator(kWooden)) {
        fs::copy_file(e.path(), out / e.path().filename(), fs::copy_options::overwrite_existing);
        fs::permissions(out / e.path().filename(), fs::perms::owner_write, fs::perm_options::add);
    }
    return out;
}

}  // namespace

class TestMotionBody : public QObject {
    Q_OBJECT

    std::map<std::string, at::Tensor> fx_;
    std::optional<WoodenBody> body_;
    DecodedMotion decoded_;
    GroundedMotion grounded_;

    const at::Tensor& f(const std::string& key) { return fx_.at(key); }

private Q_SLOTS:
    void initTestCase() {
        fx_ = test::read_safetensors(kHy + "pipeline_a_body.safetensors");
        auto body = WoodenBody::load(kWooden);
        KINEMA_REQUIRE_OK(body);
        body_ = std::move(*body);
        auto decoded = decode_motion(f("latent_denorm"));
        KINEMA_REQUIRE_OK(decoded);
        decoded_ = *decoded;
        auto grounded = ground_motion(decoded_, *body_);
        KINEMA_REQUIRE_OK(grounded);
        grounded_ = *grounded;
    }

    void denormalizeMatchesPipeline() {
        const auto pa = test::read_safetensors(kHy + "pipeline_a.safetensors");
        const auto out = denormalize(pa.at("latent"), pa.at("mean"), pa.at("std"));
        KINEMA_EXPECT_CLOSE("latent_denorm", out, pa.at("latent_denorm"), 7e-6);
        KINEMA_EXPECT_CLOSE("latent_denorm (body == pipeline_a)", f("latent_denorm"),
                            pa.at("latent_denorm"), 0.0);
    }

    void decode() {
        KINEMA_EXPECT_CLOSE("rot6d", decoded_.rot6d, f("rot6d"), 2e-6);
        KINEMA_EXPECT_CLOSE("root_rotations_mat", decoded_.root_rotations_mat,
                            f("root_rotations_mat"), 2e-6);
        KINEMA_EXPECT_CLOSE("transl_before_ground", decoded_.transl, f("transl_before_ground"),
                            4e-6);
    }

    void ground() {
        KINEMA_EXPECT_CLOSE("transl (grounded)", grounded_.transl, f("transl"), 5e-6);
        KINEMA_EXPECT_CLOSE("keypoints3d", grounded_.keypoints3d, f("keypoints3d"), 5e-6);
        KINEMA_EXPECT_CLOSE("lbs.frame_min_y", grounded_.frame_min_y, f("lbs.frame_min_y"), 5e-6);
        KINEMA_EXPECT_CLOSE("min_y", grounded_.min_y, f("min_y"), 2e-6);
        KINEMA_EXPECT_CLOSE("transl_before_ground (grounded)", grounded_.transl_before_ground,
                            f("transl_before_ground"), 4e-6);
        QVERIFY(at::equal(grounded_.frame_min_y.argmin(1), f("lbs.min_frame")));
        // World joints = keypoints3d + (0, min_y, 0) + grounded transl (the README's trap).
        auto expected_world = f("keypoints3d").clone();
        expected_world.select(-1, 1).add_(f("min_y").view({-1, 1, 1}));
        expected_world += f("transl").unsqueeze(2);
        KINEMA_EXPECT_CLOSE("joints_world", grounded_.joints_world, expected_world, 5e-6);
        // Grounding fed the reference's own smoothed inputs isolates the body model.
        DecodedMotion ref{f("rot6d"), f("transl_before_ground"), f("root_rotations_mat")};
        auto g = ground_motion(ref, *body_);
        KINEMA_REQUIRE_OK(g);
        KINEMA_EXPECT_CLOSE("keypoints3d (fixture inputs)", g->keypoints3d, f("keypoints3d"), 5e-6);
        KINEMA_EXPECT_CLOSE("lbs.frame_min_y (fixture inputs)", g->frame_min_y,
                            f("lbs.frame_min_y"), 5e-6);
    }

    void verticesAtMinFrame() {
        for (int64_t s = 0; s < 2; ++s) {
            const int64_t frame = f("lbs.min_frame")[s].item<int64_t>();
            const auto rot = rot6d_to_matrix(decoded_.rot6d[s].narrow(0, frame, 1));
            auto verts = body_->posed_vertices(rot, decoded_.transl[s].narrow(0, frame, 1));
            KINEMA_REQUIRE_OK(verts);
            KINEMA_EXPECT_CLOSE("lbs.vertices_at_min_frame", (*verts)[0],
                                f("lbs.vertices_at_min_frame")[s], 5e-6);
            QCOMPARE((*verts)[0].select(-1, 1).argmin().item<int64_t>(),
                     f("lbs.min_vertex")[s].item<int64_t>());
        }
    }

    void skeletonOnlyApproximation() {
        auto approx = ground_motion_skeleton_only(decoded_);
        KINEMA_REQUIRE_OK(approx);
        const double err = test::max_abs_diff(approx->min_y, f("min_y"));
        qInfo("%-34s |approx - mesh| = %.4f m (documented approximation)", "skeleton-only min_y",
              err);
        QVERIFY(err < 0.05);
    }

    void npz() {
        auto npz = make_npz_pose(decoded_.rot6d, grounded_.transl);
        KINEMA_REQUIRE_OK(npz);
        KINEMA_EXPECT_CLOSE("npz.poses", npz->poses, f("npz.poses"), 3e-6);
        KINEMA_EXPECT_CLOSE("npz.trans", npz->trans, f("npz.trans"), 5e-6);
        KINEMA_EXPECT_CLOSE("npz.Rh", npz->rh, f("npz.Rh"), 3e-6);
        QVERIFY(at::equal(npz->betas, f("npz.betas")[0]));
        QCOMPARE(npz->betas.scalar_type(), at::kDouble);
        const auto g = f("npz.gender_utf8")[0];
        QCOMPARE(std::string(static_cast<const char*>(g.data_ptr()), 7), npz->gender);
        // The hand mean pose is bit-exact.
        QVERIFY(at::equal(npz->poses.narrow(-1, 66, 90), f("npz.poses").narrow(-1, 66, 90)));
    }

    void npzBranches() {
        const auto& r6 = f("npz_branches.rot6d");
        auto npz = make_npz_pose(r6.unsqueeze(0), f("npz_branches.transl").unsqueeze(0));
        KINEMA_REQUIRE_OK(npz);
        const auto poses = npz->poses[0];
        const auto& ref = f("npz_branches.poses");
        const auto near_pi = f("npz_branches.near_pi");  // (16, 22)
        const auto body = poses.narrow(-1, 0, 66).view({16, 22, 3});
        const auto body_ref = ref.narrow(-1, 0, 66).view({16, 22, 3});
        const auto away = near_pi.logical_not().unsqueeze(-1).expand({16, 22, 3});
        KINEMA_EXPECT_CLOSE("npz_branches.poses (away from pi)", body.masked_select(away),
                            body_ref.masked_select(away), 4e-6);
        const auto near = near_pi.unsqueeze(-1).unsqueeze(-1).expand({16, 22, 3, 3});
        const auto r_ours = axis_angle_to_matrix(body);
        KINEMA_EXPECT_CLOSE("npz_branches near pi: R(ours) vs R(ref)", r_ours.masked_select(near),
                            axis_angle_to_matrix(body_ref).masked_select(near), 2e-6);
        KINEMA_EXPECT_CLOSE("npz_branches near pi: R(ours) vs R6d", r_ours.masked_select(near),
                            rot6d_to_matrix(r6).masked_select(near), 2e-6);
        QVERIFY(at::equal(poses.narrow(-1, 66, 90), ref.narrow(-1, 66, 90)));
    }

    void skeletonBuiltinMatchesFiles() {
        auto loaded = Skeleton::load(kWooden);
        KINEMA_REQUIRE_OK(loaded);
        const auto& b = Skeleton::builtin();
        QCOMPARE(b.num_joints(), int64_t{52});
        QVERIFY(loaded->parents == b.parents);
        QVERIFY(loaded->names == b.names);
        QVERIFY(at::equal(loaded->rest_joints_m, b.rest_joints_m));
        QCOMPARE(b.names[21], std::string("R_Wrist"));
        // Identity rotations give the rest pose; offsets rebuild it.
        auto posed = forward_kinematics(b, at::eye(3).expand({2, 22, 3, 3}));
        KINEMA_REQUIRE_OK(posed);
        KINEMA_EXPECT_CLOSE("FK(identity) == rest", posed->joints[1], b.rest_joints_m, 1e-7);
        const auto offsets = b.rest_offsets_m();
        KINEMA_EXPECT_CLOSE("offset L_Foot", offsets[10], b.rest_joints_m[10] - b.rest_joints_m[7],
                            0.0);
    }

    void longClipStaysCheap() {
        // 2 x 360 frames: the reference's LBS would allocate ~10 GB; this path stores O(L x J).
        const auto latent =
            at::randn({2, 360, kMotionLatentDim}, at::TensorOptions().dtype(at::kFloat));
        QElapsedTimer timer;
        timer.start();
        auto decoded = decode_motion(latent * 0.3);
        KINEMA_REQUIRE_OK(decoded);
        const auto decode_ms = timer.restart();
        auto grounded = ground_motion(*decoded, *body_);
        KINEMA_REQUIRE_OK(grounded);
        qInfo("2 x 360 frames: decode %lld ms, ground %lld ms", static_cast<long long>(decode_ms),
              static_cast<long long>(timer.elapsed()));
        QCOMPARE(grounded->keypoints3d.sizes(), (at::IntArrayRef{2, 360, 52, 3}));
        QVERIFY(at::allclose(std::get<0>(grounded->frame_min_y.min(1)), grounded->min_y));
        // After grounding the lowest vertex over the clip sits at y = 0.
        const auto lowest =
            std::get<0>((grounded->frame_min_y - grounded->min_y.unsqueeze(1)).min(1));
        QVERIFY(lowest.abs().max().item<float>() == 0.0f);
    }

    void errorShapes() {
        auto bad = decode_motion(at::zeros({2, 60, 200}));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind, ErrorKind::ShapeMismatch);
        QVERIFY(bad.error().message.find("201") != std::string::npos);
        QCOMPARE(decode_motion(at::Tensor()).error().kind, ErrorKind::ShapeMismatch);
        QCOMPARE(decode_motion(at::zeros({60, 201})).error().kind, ErrorKind::ShapeMismatch);
        QCOMPARE(decode_motion(at::zeros({1, 10, 201})).error().kind, ErrorKind::InvalidRequest);

        DecodedMotion m{decoded_.rot6d, decoded_.transl.narrow(1, 0, 59),
                        decoded_.root_rotations_mat};
        QCOMPARE(ground_motion(m, *body_).error().kind, ErrorKind::ShapeMismatch);
        QCOMPARE(ground_motion_skeleton_only(m).error().kind, ErrorKind::ShapeMismatch);
        QCOMPARE(make_npz_pose(decoded_.rot6d.narrow(2, 0, 21), decoded_.transl).error().kind,
                 ErrorKind::ShapeMismatch);
        QCOMPARE(forward_kinematics(Skeleton::builtin(), at::zeros({4, 21, 3, 3})).error().kind,
                 ErrorKind::ShapeMismatch);
        QCOMPARE(body_->posed_vertices(at::zeros({2, 22, 3, 3}), at::zeros({3, 3})).error().kind,
                 ErrorKind::ShapeMismatch);
        QCOMPARE(body_->frame_min_y(at::zeros({2, 22, 3}), at::zeros({2, 3})).error().kind,
                 ErrorKind::ShapeMismatch);
    }

    void errorBodyFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<qint64>("size");  // truncate to this many bytes; -1 deletes the file
        QTest::addColumn<int>("kind");
        QTest::newRow("skinWeights short")
            << "skinWeights.bin" << qint64(388096 - 16) << int(ErrorKind::BadModelFile);
        QTest::newRow("skinIndice short")
            << "skinIndice.bin" << qint64(1000) << int(ErrorKind::BadModelFile);
        QTest::newRow("v_template odd")
            << "v_template.bin" << qint64(291072 - 5) << int(ErrorKind::BadModelFile);
        QTest::newRow("v_template one vertex less")
            << "v_template.bin" << qint64(291072 - 12) << int(ErrorKind::BadModelFile);
        QTest::newRow("j_template short")
            << "j_template.bin" << qint64(600) << int(ErrorKind::BadModelFile);
        QTest::newRow("kintree empty")
            << "kintree.bin" << qint64(0) << int(ErrorKind::BadModelFile);
        QTest::newRow("kintree missing") << "kintree.bin" << qint64(-1) << int(ErrorKind::Io);
        QTest::newRow("v_template missing") << "v_template.bin" << qint64(-1) << int(ErrorKind::Io);
    }
    void errorBodyFiles() {
        QFETCH(QString, file);
        QFETCH(qint64, size);
        QFETCH(int, kind);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto folder = copy_wooden(dir);
        const auto path = folder / file.toStdString();
        if (size < 0) {
            fs::remove(path);
        } else {
            fs::resize_file(path, static_cast<std::uintmax_t>(size));
        }
        auto body = WoodenBody::load(folder);
        QVERIFY(!body.ok());
        qInfo("%s", body.error().describe().c_str());
        QCOMPARE(int(body.error().kind), kind);
    }

    void errorBadParent() {
        QTemporaryDir dir;
        const auto folder = copy_wooden(dir);
        QFile k(QString::fromStdString((folder / "kintree.bin").string()));
        QVERIFY(k.open(QIODevice::ReadWrite));
        const int32_t bad = 40;  // joint 5's parent after itself
        QVERIFY(k.seek(5 * 4));
        QCOMPARE(k.write(reinterpret_cast<const char*>(&bad), 4), qint64(4));
        k.close();
        auto body = WoodenBody::load(folder);
        QVERIFY(!body.ok());
        QCOMPARE(body.error().kind, ErrorKind::BadModelFile);
    }
};

QTEST_GUILESS_MAIN(TestMotionBody)
#include "tst_motion_body.moc"
