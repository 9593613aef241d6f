// NPZ export in the official schema: the file's arrays equal the official ones of the golden
// fixture (npz.* and the npz_branches sub-test with its 180-degree rotations), the keys, order,
// dtypes and shapes are numpy's, and numpy itself loads it (Debian's python3-numpy).
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/export/motion_exporter.h"
#include "core/export/npz_writer.h"
#include "core/io/zip_archive.h"
#include "core/motion/rotations.h"
#include "tests/export/export_test_support.h"
#include "tests/motion/fixture_tensors.h"

using namespace kinema;
namespace fs = std::filesystem;

namespace {

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

struct Npy {
    std::string header;  // the dict text
    std::string data;
};

// Splits a .npy (format 1.0) into its header dict and payload; empty header on a bad file.
Npy parse_npy(const std::string& bytes) {
    Npy out;
    if (bytes.size() < 10 || bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0)
        return out;
    const size_t n =
        static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    if ((10 + n) % 64 != 0 || bytes.size() < 10 + n || bytes[9 + n] != '\n') return out;
    out.header = bytes.substr(10, n);
    out.data = bytes.substr(10 + n);
    return out;
}

at::Tensor float_tensor(const Npy& npy, std::vector<int64_t> shape, at::ScalarType type) {
    auto t = at::empty(shape, type);
    if (static_cast<size_t>(t.numel() * t.element_size()) != npy.data.size()) return {};
    std::memcpy(t.data_ptr(), npy.data.data(), npy.data.size());
    return t;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

class TestExportNpz : public QObject {
    Q_OBJECT

    std::map<std::string, at::Tensor> fx_;
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() {
        fx_ = test::read_safetensors(KINEMA_TEST_FIXTURES "/hymotion/pipeline_a_body.safetensors");
        QVERIFY(dir_.isValid());
    }

    void npyHeaders() {
        const auto f = npy_bytes(at::zeros({60, 156}, at::kFloat));
        KINEMA_REQUIRE_OK(f);
        const auto npy = parse_npy(*f);
        QCOMPARE(QString::fromStdString(npy.header).trimmed(),
                 QString("{'descr': '<f4', 'fortran_order': False, 'shape': (60, 156), }"));
        QCOMPARE(npy.data.size(), size_t(60 * 156 * 4));
        const auto one = parse_npy(*npy_bytes(at::zeros({3}, at::kDouble)));
        QCOMPARE(QString::fromStdString(one.header).trimmed(),
                 QString("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"));
        const auto u = parse_npy(npy_unicode_bytes({"neutral"}));
        QCOMPARE(QString::fromStdString(u.header).trimmed(),
                 QString("{'descr': '<U7', 'fortran_order': False, 'shape': (1,), }"));
        QCOMPARE(u.data.size(), size_t(28));
        QCOMPARE(u.data[4], 'e');
        QCOMPARE(npy_bytes(at::zeros({2}, at::kBool)).error().kind, ErrorKind::Unsupported);
    }

    void goldenArraysEqualOfficial() {
        for (int s : {0, 1}) {
            const MotionClip clip = test::golden_clip(s);
            const fs::path path =
                fs::path(dir_.path().toStdString()) / ("golden_" + std::to_string(s) + ".npz");
            ExportMetadata metadata;
            metadata.prompt = "npz golden prompt";
            KINEMA_REQUIRE_OK(export_clip(clip, metadata, ExportFormat::Npz, path));
            const auto zip = ZipArchive::open(path);
            KINEMA_REQUIRE_OK(zip);
            const std::vector<std::string> expected_names = {"gender.npy", "Rh.npy", "trans.npy",
                                                             "poses.npy", "betas.npy"};
            QVERIFY(zip->names() == expected_names);
            auto entry = [&](const std::string& name) {
                auto bytes = zip->read_entry(name, 1 << 24);
                return bytes.ok() ? parse_npy(*bytes) : Npy{};
            };
            const auto poses = entry("poses.npy");
            QVERIFY(
                poses.header.find("'descr': '<f4', 'fortran_order': False, 'shape': (60, 156)") !=
                std::string::npos);
            const auto p = float_tensor(poses, {60, 156}, at::kFloat);
            QVERIFY(p.defined());
            const double err = test::max_abs_diff(p, fx_.at("npz.poses")[s]);
            qInfo("sample %d: poses max|err| = %.3g (tol 3e-6)", s, err);
            QVERIFY(err <= 3e-6);
            QVERIFY(at::equal(p.narrow(-1, 66, 90), fx_.at("npz.poses")[s].narrow(-1, 66, 90)));
            const auto trans = float_tensor(entry("trans.npy"), {60, 3}, at::kFloat);
            QVERIFY(trans.defined());
            QVERIFY(test::max_abs_diff(trans, fx_.at("npz.trans")[s]) <= 5e-6);
            const auto rh = float_tensor(entry("Rh.npy"), {60, 3}, at::kFloat);
            QVERIFY(rh.defined());
            QVERIFY(test::max_abs_diff(rh, fx_.at("npz.Rh")[s]) <= 3e-6);
            QVERIFY(at::equal(rh, p.narrow(-1, 0, 3)));
            const auto betas_npy = entry("betas.npy");
            QVERIFY(betas_npy.header.find("'<f8'") != std::string::npos &&
                    betas_npy.header.find("(1, 16)") != std::string::npos);
            QVERIFY(
                at::equal(float_tensor(betas_npy, {1, 16}, at::kDouble), fx_.at("npz.betas")[s]));
            const auto gender = entry("gender.npy");
            QVERIFY(gender.header.find("'<U7'") != std::string::npos &&
                    gender.header.find("(1,)") != std::string::npos);
            std::string text;
            for (size_t i = 0; i < gender.data.size(); i += 4)
                text += gender.data[i];
            const auto g = fx_.at("npz.gender_utf8")[s];
            QCOMPARE(text, std::string(static_cast<const char*>(g.data_ptr()), 7));
            // The settings ride in the archive comment (uncompressed at the end of the file).
            QVERIFY(read_all(path).find("npz golden prompt") != std::string::npos);
        }
    }

    void branchesIncluding180Degrees() {
        // The 16 x 22 rotations of npz_branches as a 16-frame clip.
        MotionClip clip;
        clip.rot6d = fx_.at("npz_branches.rot6d");
        clip.transl = fx_.at("npz_branches.transl");
        const fs::path path = fs::path(dir_.path().toStdString()) / "branches.npz";
        KINEMA_REQUIRE_OK(write_hymotion_npz(path, clip));
        const auto zip = ZipArchive::open(path);
        KINEMA_REQUIRE_OK(zip);
        const auto poses =
            float_tensor(parse_npy(*zip->read_entry("poses.npy", 1 << 20)), {16, 156}, at::kFloat);
        QVERIFY(poses.defined());
        const auto& ref = fx_.at("npz_branches.poses");
        const auto near_pi = fx_.at("npz_branches.near_pi");
        QVERIFY(near_pi.any().item<bool>());
        const auto body = poses.narrow(-1, 0, 66).view({16, 22, 3});
        const auto body_ref = ref.narrow(-1, 0, 66).view({16, 22, 3});
        const auto away = near_pi.logical_not().unsqueeze(-1).expand({16, 22, 3});
        const double err =
            test::max_abs_diff(body.masked_select(away), body_ref.masked_select(away));
        qInfo("branches away from pi max|err| = %.3g (tol 4e-6)", err);
        QVERIFY(err <= 4e-6);
        const auto near = near_pi.unsqueeze(-1).unsqueeze(-1).expand({16, 22, 3, 3});
        const double err_pi =
            test::max_abs_diff(axis_angle_to_matrix(body).masked_select(near),
                               axis_angle_to_matrix(body_ref).masked_select(near));
        qInfo("branches near pi Rodrigues max|err| = %.3g (tol 2e-6)", err_pi);
        QVERIFY(err_pi <= 2e-6);
    }

    void numpyLoadsIt() {
        const QString python = test::python_with_numpy();
        if (python.isEmpty())
            QSKIP("python3 with numpy is not installed (apt-get install python3-numpy)");
        const MotionClip clip = test::golden_clip(1);
        const fs::path path = fs::path(dir_.path().toStdString()) / "numpy.npz";
        KINEMA_REQUIRE_OK(export_clip(clip, {}, ExportFormat::Npz, path));
        const QString script =
            QStringLiteral(
                "import sys, numpy as np\n"
                "d = np.load(sys.argv[1])\n"
                "assert list(d.keys()) == ['gender', 'Rh', 'trans', 'poses', 'betas'], "
                "list(d.keys())\n"
                "assert d['poses'].shape == (%1, 156) and d['poses'].dtype == np.float32\n"
                "assert d['trans'].shape == (%1, 3) and d['Rh'].shape == (%1, 3)\n"
                "assert d['betas'].shape == (1, 16) and d['betas'].dtype == np.float64\n"
                "assert d['gender'].dtype == np.dtype('<U7') and d['gender'][0] == 'neutral'\n"
                "assert (d['Rh'] == d['poses'][:, :3]).all() and not d['betas'].any()\n"
                "assert abs(float(d['poses'][5, 1]) - float(sys.argv[2])) < 1e-6, d['poses'][5, "
                "1]\n"
                "print('numpy ok', d['poses'][5, :3].tolist(), float(d['trans'][:, 1].min()))\n")
                .arg(clip.frames());
        const double expected = fx_.at("npz.poses")[1][5][1].item<double>();
        const auto r =
            test::run_process(python, {"-c", script, QString::fromStdString(path.string()),
                                       QString::number(expected, 'g', 9)});
        qInfo("%s", qPrintable(r.output.trimmed()));
        QVERIFY2(r.started && r.exit_code == 0, qPrintable(r.output));
        QVERIFY(r.output.contains("numpy ok"));
    }
};

QTEST_GUILESS_MAIN(TestExportNpz)
#include "tst_export_npz.moc"
