// Golden tests of the rotation helpers and the two smoothers against the official outputs
// (tests/fixtures/hymotion/geometry.*, tolerances from its README / JSON sidecar).
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include "core/motion/motion_normalization.h"
#include "core/motion/quaternion_smoothing.h"
#include "core/motion/rotations.h"
#include "core/motion/savgol_filter.h"
#include "tests/motion/fixture_tensors.h"

using namespace kinema;

namespace {

const std::string kFixture = KINEMA_TEST_FIXTURES "/hymotion/geometry.safetensors";

// Logs "name max|err| = e (tol t)" and fails when e > tol.
#define KINEMA_EXPECT_CLOSE(name, actual, expected, tol)                                  \
    do {                                                                                  \
        const double err_ = test::max_abs_diff((actual), (expected));                     \
        qInfo("%-34s max|err| = %.3g (tol %.1g)", name, err_, static_cast<double>(tol));  \
        QVERIFY2(err_ <= (tol),                                                           \
                 qPrintable(QStringLiteral("%1: %2 > %3").arg(name).arg(err_).arg(tol))); \
    } while (0)

}  // namespace

class TestMotionGeometry : public QObject {
    Q_OBJECT

    std::map<std::string, at::Tensor> fx_;

    const at::Tensor& f(const std::string& key) { return fx_.at(key); }

private Q_SLOTS:
    void initTestCase() { fx_ = test::read_safetensors(kFixture); }

    void rot6dToMatrix() {
        KINEMA_EXPECT_CLOSE("rot6d_to_matrix", rot6d_to_matrix(f("rot6d_to_matrix.in")),
                            f("rot6d_to_matrix.out"), 3e-6);
    }

    void matrixToRot6dIsExact() {
        KINEMA_EXPECT_CLOSE("matrix_to_rot6d", matrix_to_rot6d(f("matrix_to_rot6d.in")),
                            f("matrix_to_rot6d.out"), 0.0);
    }

    void matrixToQuaternion() {
        // Includes identity, 180 deg about x/y/z/diagonals, near-180 and tiny rotations.
        KINEMA_EXPECT_CLOSE("matrix_to_quaternion",
                            matrix_to_quaternion(f("matrix_to_quaternion.in")),
                            f("matrix_to_quaternion.out"), 1e-6);
    }

    void quaternionToMatrixNonUnit() {
        KINEMA_EXPECT_CLOSE("quaternion_to_matrix",
                            quaternion_to_matrix(f("quaternion_to_matrix.in")),
                            f("quaternion_to_matrix.out"), 2e-6);
    }

    void fixContinuityIsExact() {
        const auto out = quaternion_fix_continuity(f("quaternion_fix_continuity.in"));
        QVERIFY(at::equal(out, f("quaternion_fix_continuity.out")));
        qInfo("%-34s bit-exact", "quaternion_fix_continuity");
    }

    void gaussianWeights() {
        const auto w = gaussian_smoothing_weights(1.0);
        QCOMPARE(static_cast<int64_t>(w.size()), int64_t{9});
        const auto wt = at::tensor(std::vector<double>(w.begin(), w.end())).to(at::kFloat);
        KINEMA_EXPECT_CLOSE("gaussian_weights_sigma1", wt, f("const.gaussian_weights_sigma1"), 0.0);
    }

    void savgolCoefficients() {
        const auto p = savgol_projection(11, 5);
        const auto row = at::tensor(std::vector<double>(p.begin() + 5 * 11, p.begin() + 6 * 11));
        KINEMA_EXPECT_CLOSE("savgol_coeffs_11_5", row.to(at::kFloat), f("const.savgol_coeffs_11_5"),
                            0.0);
        const double exact[11] = {18, -45, -10, 60, 120, 143, 120, 60, -10, -45, 18};
        for (int i = 0; i < 11; ++i)
            QVERIFY(std::abs(p[5 * 11 + i] - exact[i] / 429.0) < 1e-15);
    }

    void slerp_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("tol");
        QTest::newRow("slerpA") << "slerpA" << 4e-6;
        QTest::newRow("slerpB") << "slerpB" << 3e-6;
    }
    void slerp() {
        QFETCH(QString, name);
        QFETCH(double, tol);
        const std::string k = name.toStdString();
        const auto& in = f(k + ".in");
        KINEMA_EXPECT_CLOSE((k + ".quat_raw").c_str(), matrix_to_quaternion(rot6d_to_matrix(in)),
                            f(k + ".quat_raw"), 2e-6);
        const auto cont = smoothing_input_quaternions(in);
        KINEMA_EXPECT_CLOSE((k + ".quat_continuous").c_str(), cont, f(k + ".quat_continuous"),
                            2e-6);
        KINEMA_EXPECT_CLOSE((k + ".out").c_str(), smooth_rot6d(in, 1.0), f(k + ".out"), tol);
        // Fed the reference's own intermediate, the averaging alone.
        const auto avg = markley_smooth_quaternions(f(k + ".quat_continuous"), 1.0);
        KINEMA_EXPECT_CLOSE((k + ".out (from quat_continuous)").c_str(),
                            matrix_to_rot6d(quaternion_to_matrix(avg)), f(k + ".out"), tol);
    }

    void savgol_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("savgolA") << "savgolA";
        QTest::newRow("savgolB") << "savgolB";
        QTest::newRow("savgolC") << "savgolC";
    }
    void savgol() {
        QFETCH(QString, name);
        const std::string k = name.toStdString();
        const auto out = savgol_filter(f(k + ".in"), 11, 5);
        QCOMPARE(out.scalar_type(), at::kFloat);
        KINEMA_EXPECT_CLOSE((k + ".out").c_str(), out, f(k + ".out"), 1e-6);
        const auto diff = out.ne(f(k + ".out"));
        const auto inexact = diff.sum().item<int64_t>();
        if (inexact > 0) {
            const auto where = diff.nonzero();
            qInfo("first inexact (sample, frame, axis) = (%lld, %lld, %lld)",
                  static_cast<long long>(where[0][0].item<int64_t>()),
                  static_cast<long long>(where[0][1].item<int64_t>()),
                  static_cast<long long>(where[0][2].item<int64_t>()));
        }
        qInfo("%-34s %lld of %lld values not bit-exact", (k + ".out").c_str(),
              static_cast<long long>(inexact), static_cast<long long>(out.numel()));
    }

    void axisAngleRoundTrip() {
        // matrix -> axis-angle (kornia path) -> Rodrigues gives the rotation back.
        const auto& r = f("matrix_to_quaternion.in");
        const auto back = axis_angle_to_matrix(matrix_to_axis_angle(r));
        KINEMA_EXPECT_CLOSE("Rodrigues(matrix_to_axis_angle(R))", back, r, 2e-6);
        const auto tiny = at::tensor({1e-7f, -2e-7f, 3e-8f}).view({1, 3});
        const auto rt = axis_angle_to_matrix(tiny);
        QVERIFY(std::abs(rt[0][0][1].item<float>() + 3e-8f) < 1e-12f);
        KINEMA_EXPECT_CLOSE("axis_angle_to_matrix(0)", axis_angle_to_matrix(at::zeros({2, 3})),
                            at::eye(3).expand({2, 3, 3}), 0.0);
    }

    void denormalizeZeroesTinyStd() {
        const auto latent = at::ones({1, 2, 4});
        const auto mean = at::tensor({1.f, 2.f, 3.f, 4.f});
        const auto std = at::tensor({2.f, 9.9e-4f, 1e-3f, 0.5f});
        const auto out = denormalize(latent, mean, std);
        const auto expected = at::tensor({3.f, 2.f, 3.001f, 4.5f}).expand({1, 2, 4});
        KINEMA_EXPECT_CLOSE("denormalize rule", out, expected, 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestMotionGeometry)
#include "tst_motion_geometry.moc"
