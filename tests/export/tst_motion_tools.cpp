// Motion tools beyond the official post-processing: trim, in-place, loop blending, slerp
// resampling, two-bone IK, foot-contact detection and cleanup, and the quality numbers (foot skate
// in cm/s, mean jerk) before and after, on real mocap (third-party BVH) and the golden clip.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <cmath>
#include <random>

#include "core/export/clip_animation.h"
#include "core/motion/bvh_reader.h"
#include "core/motion/foot_contacts.h"
#include "core/motion/motion_edit.h"
#include "core/motion/motion_metrics.h"
#include "core/motion/motion_resample.h"
#include "tests/export/export_test_support.h"
#include "tests/motion/fixture_tensors.h"

using namespace kinema;

namespace {

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

double max_matrix_diff(const Mat3& a, const Mat3& b) {
    double e = 0;
    for (int i = 0; i < 9; ++i)
        e = std::max(e, std::abs(a[i] - b[i]));
    return e;
}

FootContactOptions mocapbank_legs() {
    FootContactOptions o;
    o.legs = {LegJoints{"LeftHip", "LeftKnee", "LeftAnkle", ""},
              LegJoints{"RightHip", "RightKnee", "RightAnkle", ""}};
    return o;
}

}  // namespace

class TestMotionTools : public QObject {
    Q_OBJECT

    SkeletalAnimation golden_, mocap_;

private Q_SLOTS:
    void initTestCase() {
        auto golden = animation_from_clip(test::golden_clip(0), 52);
        KINEMA_REQUIRE_OK(golden);
        golden_ = *golden;
        auto mocap = read_bvh(KINEMA_TEST_FIXTURES "/export/bvhpython_test_mocapbank.bvh", 0.01);
        KINEMA_REQUIRE_OK(mocap);
        mocap_ = mocap->animation;
    }

    void trim() {
        const auto t = trim_animation(golden_, 10, 20);
        KINEMA_REQUIRE_OK(t);
        QCOMPARE(t->num_frames(), int64_t(20));
        QVERIFY(t->root_positions_m[0] == golden_.root_positions_m[10]);
        QVERIFY(t->rotation(19, 5) == golden_.rotation(29, 5));
        QCOMPARE(trim_animation(golden_, 50, 11).error().kind, ErrorKind::InvalidRequest);
        QCOMPARE(trim_animation(golden_, 0, 0).error().kind, ErrorKind::InvalidRequest);
    }

    void inPlace() {
        InPlaceOptions o;
        o.keep_heading = false;
        const auto ip = make_in_place(mocap_, o);
        KINEMA_REQUIRE_OK(ip);
        const double h0 = root_heading_rad(mocap_, 0);
        double heading_change_before = 0;
        for (int64_t f = 0; f < ip->num_frames(); ++f) {
            const auto& p = ip->root_positions_m[f];
            QCOMPARE(p[0], mocap_.root_positions_m[0][0]);
            QCOMPARE(p[2], mocap_.root_positions_m[0][2]);
            QCOMPARE(p[1], mocap_.root_positions_m[f][1]);  // height kept
            QVERIFY(std::abs(root_heading_rad(*ip, f) - h0) < 1e-9);
            heading_change_before =
                std::max(heading_change_before, std::abs(root_heading_rad(mocap_, f) - h0));
            QVERIFY(ip->rotation(f, 3) == mocap_.rotation(f, 3));  // only the root changes
        }
        qInfo("mocap heading varies by up to %.1f deg before in-place",
              heading_change_before * 180 / kPi);
        const auto keep = make_in_place(mocap_);
        KINEMA_REQUIRE_OK(keep);
        QVERIFY(keep->rotation(100, 0) == mocap_.rotation(100, 0));
    }

    void loopBlend() {
        LoopBlendOptions o;
        o.blend_frames = 12;
        o.blend_root_horizontal = true;
        const auto looped = blend_loop(golden_, o);
        KINEMA_REQUIRE_OK(looped);
        const int64_t last = golden_.num_frames() - 1;
        for (int j = 0; j < golden_.num_joints(); ++j)
            // 1e-6: the clip's float32 rotations are orthonormal to ~1e-7 only.
            QVERIFY(max_matrix_diff(looped->rotation(last, j), golden_.rotation(0, j)) < 1e-6);
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::abs(looped->root_positions_m[last][k] - golden_.root_positions_m[0][k]) <
                    1e-12);
        // Frames before the blend window are untouched; the window moves smoothly.
        QVERIFY(looped->rotation(last - 12, 0) == golden_.rotation(last - 12, 0));
        QVERIFY(max_matrix_diff(looped->rotation(last - 11, 0), golden_.rotation(last - 11, 0)) >
                0);
        QCOMPARE(blend_loop(golden_, {0, false}).error().kind, ErrorKind::InvalidRequest);
        QCOMPARE(blend_loop(golden_, {60, false}).error().kind, ErrorKind::InvalidRequest);
    }

    void resampleKeepsKeyFrames() {
        const auto up = resample_animation(golden_, 60.0);
        KINEMA_REQUIRE_OK(up);
        QCOMPARE(up->num_frames(), 2 * golden_.num_frames() - 1);
        const auto down = resample_animation(*up, 30.0);
        KINEMA_REQUIRE_OK(down);
        QCOMPARE(down->num_frames(), golden_.num_frames());
        const auto p0 = golden_.world_positions(), p1 = down->world_positions();
        double e = 0;
        for (size_t i = 0; i < p0.size(); ++i)
            e = std::max(e, norm(p0[i] - p1[i]));
        QVERIFY2(e < 1e-5, qPrintable(QString::number(e)));
        // A mid frame is the slerp of its neighbours: between them in FK.
        QCOMPARE(resample_animation(mocap_, 0).error().kind, ErrorKind::InvalidRequest);
    }

    void twoBoneIkReachesTargets() {
        SkeletalAnimation a = golden_;
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> u(-0.15, 0.15);
        const int hip = find_joint(a, "L_Hip"), knee = find_joint(a, "L_Knee"),
                  ankle = find_joint(a, "L_Ankle");
        double worst = 0, worst_rot = 0;
        for (int64_t f = 0; f < a.num_frames(); f += 3) {
            std::vector<Mat3> g0;
            const auto p = a.world_positions(&g0);
            const int J = a.num_joints();
            const Vec3 target = p[f * J + ankle] + Vec3{u(rng), u(rng), u(rng)};
            solve_two_bone_ik(a, f, hip, knee, ankle, target);
            std::vector<Mat3> g1;
            const auto q = a.world_positions(&g1);
            if (norm(target - q[f * J + hip]) <
                0.95 * (norm(a.offsets_m[knee]) + norm(a.offsets_m[ankle])))
                worst = std::max(worst, norm(q[f * J + ankle] - target));
            worst_rot = std::max(worst_rot, max_matrix_diff(g1[f * J + ankle], g0[f * J + ankle]));
            QVERIFY(norm(q[f * J + hip] - p[f * J + hip]) < 1e-12);  // the hip stays
        }
        qInfo("two-bone IK: max ankle error %.3g m, foot rotation change %.3g", worst, worst_rot);
        // Micrometres: the clip's float32 rotations are orthonormal to ~1e-7 only.
        QVERIFY(worst < 1e-6);
        QVERIFY(worst_rot < 1e-5);
    }

    void footContactCleanupReducesSkate() {
        const auto options = mocapbank_legs();
        // Make the skate worse than the capture: the whole body sways sideways (1.5 cm, 2 Hz).
        SkeletalAnimation drifting = mocap_;
        for (int64_t f = 0; f < drifting.num_frames(); ++f)
            drifting.root_positions_m[f][0] +=
                0.015 * std::sin(2 * kPi * 2.0 * double(f) / drifting.fps);
        for (const SkeletalAnimation* input : {&mocap_, &drifting}) {
            auto contacts = detect_foot_contacts(*input, options);
            KINEMA_REQUIRE_OK(contacts);
            const auto before = measure_motion_quality(*input, *contacts, options);
            KINEMA_REQUIRE_OK(before);
            QVERIFY(before->contact_frames > input->num_frames() / 4);
            const auto cleaned = clean_foot_contacts(*input, *contacts, options);
            KINEMA_REQUIRE_OK(cleaned);
            const auto after = measure_motion_quality(*cleaned, *contacts, options);
            KINEMA_REQUIRE_OK(after);
            qInfo(
                "%s: %lld/%lld contact frames; foot skate %.2f -> %.4f cm/s; mean jerk %.1f -> "
                "%.1f m/s^3",
                input == &mocap_ ? "mocap" : "mocap + 1.5 cm sway",
                static_cast<long long>(before->contact_frames),
                static_cast<long long>(input->num_frames()), before->foot_skate_cm_s,
                after->foot_skate_cm_s, before->mean_jerk_m_s3, after->mean_jerk_m_s3);
            QVERIFY(before->foot_skate_cm_s > 0.5);
            QVERIFY(after->foot_skate_cm_s < 0.1 * before->foot_skate_cm_s);
            QVERIFY(after->mean_jerk_m_s3 < 2.0 * before->mean_jerk_m_s3);
        }
        // Default SMPL-H legs on the golden clip work; a skeleton without legs is a typed error.
        KINEMA_REQUIRE_OK(detect_foot_contacts(golden_));
        QCOMPARE(detect_foot_contacts(mocap_).error().kind, ErrorKind::InvalidRequest);
    }

    void walkContactsAlternate() {
        // A real walk (CMU 131_01, 120 fps, cgspeed units: 0.056444 m each).
        const auto walk =
            read_bvh(KINEMA_TEST_FIXTURES "/export/cmu_131_01_walk_excerpt.bvh", 0.056444);
        KINEMA_REQUIRE_OK(walk);
        const auto& a = walk->animation;
        FootContactOptions o;
        o.legs = {LegJoints{"LeftHip", "LeftKnee", "LeftAnkle", "LeftToe"},
                  LegJoints{"RightHip", "RightKnee", "RightAnkle", "RightToe"}};
        const auto contacts = detect_foot_contacts(a, o);
        KINEMA_REQUIRE_OK(contacts);
        for (int leg = 0; leg < 2; ++leg) {
            const auto& c = contacts->contact[leg];
            int runs = 0, planted = 0;
            for (size_t f = 0; f < c.size(); ++f) {
                planted += c[f];
                runs += c[f] && (f == 0 || !c[f - 1]);
            }
            std::string pattern;
            for (size_t f = 0; f < c.size(); f += 3)
                pattern += c[f] ? '#' : '.';
            qInfo("walk leg %d: %d contact runs, %d of %zu frames planted %s", leg, runs, planted,
                  c.size(), pattern.c_str());
            QVERIFY(runs >= 2 && runs <= 6);  // ~1.8 steps per second per foot over 3 s
            QVERIFY(planted > int(c.size()) / 5 && planted < int(c.size()) * 4 / 5);
        }
        const auto before = measure_motion_quality(a, *contacts, o);
        const auto cleaned = clean_foot_contacts(a, *contacts, o);
        KINEMA_REQUIRE_OK(cleaned);
        const auto after = measure_motion_quality(*cleaned, *contacts, o);
        KINEMA_REQUIRE_OK(after);
        qInfo("walk: foot skate %.2f -> %.3f cm/s; mean jerk %.1f -> %.1f m/s^3",
              before->foot_skate_cm_s, after->foot_skate_cm_s, before->mean_jerk_m_s3,
              after->mean_jerk_m_s3);
        // The ankles are pinned; the toes still roll about them (heel rise), which the metric
        // (ankle and toe) keeps seeing.
        FootContactOptions ankles = o;
        ankles.legs[0].toe = ankles.legs[1].toe = "";
        const auto ankle_before = measure_motion_quality(a, *contacts, ankles);
        const auto ankle_after = measure_motion_quality(*cleaned, *contacts, ankles);
        qInfo("walk: ankle-only skate %.2f -> %.3f cm/s", ankle_before->foot_skate_cm_s,
              ankle_after->foot_skate_cm_s);
        QVERIFY(after->foot_skate_cm_s < 0.7 * before->foot_skate_cm_s);
        QVERIFY(ankle_after->foot_skate_cm_s < 0.2 * ankle_before->foot_skate_cm_s);
    }

    void clipRoundTrip() {
        const MotionClip clip = test::golden_clip(1);
        const auto edited = make_in_place(*animation_from_clip(clip, 52));
        KINEMA_REQUIRE_OK(edited);
        const auto back = clip_from_animation(*edited, 7);
        KINEMA_REQUIRE_OK(back);
        QCOMPARE(back->frames(), clip.frames());
        QCOMPARE(back->seed, int64_t(7));
        QVERIFY(test::max_abs_diff(back->rotations, clip.rotations) < 1e-7);
        QVERIFY(test::max_abs_diff(back->transl.select(1, 1), clip.transl.select(1, 1)) < 1e-6);
        QVERIFY(back->transl.select(1, 0).std().item<double>() < 1e-6);  // x locked
        // World joints follow: same pose, moved.
        const auto local = back->joints - back->joints.narrow(1, 0, 1);
        const auto local_ref = clip.joints - clip.joints.narrow(1, 0, 1);
        QVERIFY(test::max_abs_diff(local, local_ref) < 2e-6);
        QCOMPARE(clip_from_animation(mocap_).error().kind, ErrorKind::InvalidRequest);
    }

    void jerkMeasuresSmoothness() {
        SkeletalAnimation still = golden_;
        for (int64_t f = 0; f < still.num_frames(); ++f) {
            still.root_positions_m[f] = golden_.root_positions_m[0] + Vec3{0.5 * f / 30.0, 0, 0};
            for (int j = 0; j < still.num_joints(); ++j)
                still.rotation(f, j) = golden_.rotation(0, j);
        }
        QVERIFY(mean_jerk_m_s3(still) < 1e-9);  // constant velocity: no jerk
        QVERIFY(mean_jerk_m_s3(golden_) > 1.0);
    }
};

QTEST_GUILESS_MAIN(TestMotionTools)
#include "tst_motion_tools.moc"
