// Export API and file structure: format names, settings metadata, the JSON schema (values equal
// the clip), GLB chunks/skin/animation layout, FBX binary records and footer, atomic writes.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/export/clip_animation.h"
#include "core/export/fbx_writer.h"
#include "core/export/gltf_writer.h"
#include "core/export/motion_exporter.h"
#include "core/motion/rotations.h"
#include "tests/export/export_test_support.h"

using namespace kinema;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

#define KINEMA_REQUIRE_OK(result) \
    QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().describe().c_str())

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

uint32_t u32(const std::string& b, size_t at) {
    uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

// Minimal FBX binary record walker: checks end offsets and collects "name[:type]" of records.
struct FbxWalk {
    const std::string& b;
    std::vector<std::string> top;
    int limb_nodes = 0, curves = 0, clusters = 0;
    bool ok = true;

    size_t record(size_t at, int depth) {
        const uint32_t end = u32(b, at), nprops = u32(b, at + 4), plen = u32(b, at + 8);
        if (end == 0) return at + 13;
        const auto nlen = static_cast<unsigned char>(b[at + 12]);
        const std::string name = b.substr(at + 13, nlen);
        size_t p = at + 13 + nlen;
        const size_t props_end = p + plen;
        std::vector<std::string> strings;
        for (uint32_t i = 0; i < nprops && ok; ++i) {
            const char t = b[p++];
            if (t == 'S' || t == 'R') {
                const uint32_t n = u32(b, p);
                strings.push_back(b.substr(p + 4, n));
                p += 4 + n;
            } else if (t == 'I' || t == 'F')
                p += 4;
            else if (t == 'L' || t == 'D')
                p += 8;
            else if (t == 'C')
                p += 1;
            else if (t == 'Y')
                p += 2;
            else if (std::strchr("fdlib", t))
                p += 12 + u32(b, p + 8);
            else
                ok = false;
        }
        if (p != props_end) ok = false;
        if (name == "Model" && strings.size() >= 2 && strings[1] == "LimbNode") ++limb_nodes;
        if (name == "AnimationCurve") ++curves;
        if (name == "Deformer" && strings.size() >= 2 && strings[1] == "Cluster") ++clusters;
        if (depth == 0) top.push_back(name);
        while (p < end && ok) {
            if (end - p == 13) {  // null record closing the children
                p += 13;
                break;
            }
            p = record(p, depth + 1);
        }
        if (p != end) ok = false;
        return end;
    }
};

}  // namespace

class TestExportFormats : public QObject {
    Q_OBJECT

    MotionClip clip_;
    ExportMetadata metadata_;

private Q_SLOTS:
    void initTestCase() {
        clip_ = test::golden_clip(1);
        GenerationRequest request;
        request.prompt = "a person jumps twice \xE2\x80\x94 then bows";
        request.seeds = {3, 7};
        request.steps = 25;
        request.cfg_scale = 4.5;
        request.duration_s = 2.0;
        request.model_id = "hy-motion-1.0-lite";
        metadata_ = make_export_metadata(request, clip_, "HY-Motion 1.0 Lite");
    }

    void formatNames() {
        QCOMPARE(*parse_export_format("BVH"), ExportFormat::Bvh);
        QCOMPARE(*parse_export_format("gltf"), ExportFormat::Glb);
        QCOMPARE(parse_export_format("obj").error().kind, ErrorKind::InvalidRequest);
        const auto list = parse_export_formats("bvh,fbx, glb,npz,json,bvh");
        KINEMA_REQUIRE_OK(list);
        QCOMPARE(list->size(), size_t(5));
        QCOMPARE(list->at(2), ExportFormat::Glb);
        QVERIFY(!parse_export_formats("bvh,,fbx").ok());
        for (auto f : all_export_formats())
            QCOMPARE(*parse_export_format(export_format_name(f)), f);
    }

    void metadataJson() {
        const auto j = json::parse(metadata_json(metadata_));
        QCOMPARE(j.at("prompt").get<std::string>(), metadata_.prompt);
        QCOMPARE(j.at("seed").get<int64_t>(), int64_t(7));
        QCOMPARE(j.at("seeds").size(), size_t(2));
        QCOMPARE(j.at("steps").get<int>(), 25);
        QCOMPARE(j.at("cfg_scale").get<double>(), 4.5);
        QCOMPARE(j.at("model_id").get<std::string>(), std::string("hy-motion-1.0-lite"));
        QCOMPARE(j.at("frames").get<int>(), 60);
        QCOMPARE(j.at("solver").get<std::string>(), std::string(solver_name(Solver::Euler)));
        QVERIFY(j.at("created_utc").get<std::string>().size() == 20);
    }

    void jsonExportHoldsTheClip() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "clip.json";
        KINEMA_REQUIRE_OK(export_clip(clip_, metadata_, ExportFormat::Json, path));
        const auto j = json::parse(read_all(path));
        QCOMPARE(j.at("format").get<std::string>(), std::string("kinema-motion"));
        QCOMPARE(j.at("settings").at("prompt").get<std::string>(), metadata_.prompt);
        QCOMPARE(j.at("frames").get<int>(), 60);
        QCOMPARE(j.at("joint_names").size(), size_t(52));
        QCOMPARE(j.at("rot6d").size(), size_t(60));
        QCOMPARE(j.at("rot6d")[0].size(), size_t(22));
        QCOMPARE(j.at("rot6d")[0][0].size(), size_t(6));
        double worst = 0;
        const auto r6 = clip_.rot6d.to(at::kDouble);
        const auto jw = clip_.joints.to(at::kDouble);
        const auto q = matrix_to_quaternion(clip_.rotations).to(at::kDouble);
        for (int f = 0; f < 60; f += 7)
            for (int k = 0; k < 22; ++k) {
                for (int c = 0; c < 6; ++c)
                    worst = std::max(worst, std::abs(j["rot6d"][f][k][c].get<double>() -
                                                     r6[f][k][c].item<double>()));
                for (int c = 0; c < 4; ++c)
                    worst = std::max(worst, std::abs(j["quaternions_wxyz"][f][k][c].get<double>() -
                                                     q[f][k][c].item<double>()));
                for (int c = 0; c < 3; ++c)
                    worst = std::max(worst, std::abs(j["joints_world_m"][f][k][c].get<double>() -
                                                     jw[f][k][c].item<double>()));
            }
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    }

    void glbLayout() {
        const auto animation = animation_from_clip(clip_, 52);
        KINEMA_REQUIRE_OK(animation);
        GltfWriteOptions options;
        options.settings_json = metadata_json(metadata_);
        const auto bytes = glb_bytes(*animation, options);
        KINEMA_REQUIRE_OK(bytes);
        const std::string& b = *bytes;
        QCOMPARE(u32(b, 0), 0x46546C67u);
        QCOMPARE(u32(b, 4), 2u);
        QCOMPARE(size_t(u32(b, 8)), b.size());
        const uint32_t json_len = u32(b, 12);
        QCOMPARE(json_len % 4, 0u);
        const auto doc = json::parse(b.substr(20, json_len));
        const uint32_t bin_len = u32(b, 20 + json_len);
        QCOMPARE(size_t(20 + json_len + 8 + bin_len), b.size());
        QCOMPARE(doc.at("nodes").size(), size_t(53));  // 52 joints + the mannequin
        QCOMPARE(doc.at("skins")[0].at("joints").size(), size_t(52));
        QCOMPARE(doc.at("animations")[0].at("channels").size(), size_t(53));
        QCOMPARE(doc.at("asset").at("extras").at("kinema").at("prompt").get<std::string>(),
                 metadata_.prompt);
        // Inverse bind matrix of L_Wrist = translation(-rest position).
        const auto& ibm_acc = doc["accessors"][doc["skins"][0]["inverseBindMatrices"].get<int>()];
        const auto& view = doc["bufferViews"][ibm_acc["bufferView"].get<int>()];
        float m[16];
        std::memcpy(m, b.data() + 28 + json_len + view["byteOffset"].get<size_t>() + 20 * 64, 64);
        QVERIFY(std::abs(m[12] + 0.702486634f) < 1e-6f && m[0] == 1.0f);
        options.mannequin = false;
        const auto bare = glb_bytes(*animation, options);
        KINEMA_REQUIRE_OK(bare);
        QVERIFY(json::parse(bare->substr(20, u32(*bare, 12))).count("meshes") == 0);
        options.settings_json = "{not json";
        QCOMPARE(glb_bytes(*animation, options).error().kind, ErrorKind::InvalidRequest);
    }

    void fbxRecords() {
        const auto animation = animation_from_clip(clip_, 52);
        FbxWriteOptions options;
        options.settings_json = metadata_json(metadata_);
        const auto bytes = fbx_bytes(*animation, options);
        KINEMA_REQUIRE_OK(bytes);
        const std::string& b = *bytes;
        QCOMPARE(b.substr(0, 23), std::string("Kaydara FBX Binary  \0\x1a\0", 23));
        QCOMPARE(u32(b, 23), 7400u);
        FbxWalk walk{b};
        size_t p = 27;
        while (walk.ok && u32(b, p) != 0)
            p = walk.record(p, 0);
        QVERIFY(walk.ok);
        const std::vector<std::string> expected = {"FBXHeaderExtension",
                                                   "FileId",
                                                   "CreationTime",
                                                   "Creator",
                                                   "GlobalSettings",
                                                   "Documents",
                                                   "References",
                                                   "Definitions",
                                                   "Objects",
                                                   "Connections",
                                                   "Takes"};
        QVERIFY(walk.top == expected);
        QCOMPARE(walk.limb_nodes, 52);
        QCOMPARE(walk.curves, 3 * 53);  // root T + 52 R, three channels each
        QVERIFY(walk.clusters >= 22);   // every joint that owns capsule vertices
        QVERIFY(b.find(metadata_.prompt) != std::string::npos);
        // Footer: null record, footer id, ..., version, 120 zeros, magic.
        QCOMPARE(u32(b, b.size() - 16 - 120 - 4), 7400u);
        QCOMPARE(b.substr(b.size() - 16, 4), std::string("\xf8\x5a\x8c\x6a"));
    }

    void exportResultNamesFilesBySeed() {
        QTemporaryDir dir;
        MotionResult result;
        result.clips = {test::golden_clip(0), test::golden_clip(1)};
        result.request.prompt = "two seeds";
        result.request.seeds = {0, 7};
        const auto formats = parse_export_formats("bvh,npz,glb");
        const auto written =
            export_result(result, *formats, dir.path().toStdString(), "take", ExportOptions{});
        KINEMA_REQUIRE_OK(written);
        QCOMPARE(written->size(), size_t(6));
        QCOMPARE(QString::fromStdString(written->at(4).filename().string()),
                 QString("take_s7.npz"));
        for (const auto& p : *written)
            QVERIFY(fs::exists(p));
        QVERIFY(
            read_all(fs::path(dir.path().toStdString()) / "take_s7.bvh.json").find("two seeds") !=
            std::string::npos);
        QCOMPARE(export_result(result, *formats, "/nonexistent-folder", "take").error().kind,
                 ErrorKind::Io);
    }

    void everyFormatAtomically() {
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        for (auto f : all_export_formats()) {
            const fs::path path = folder / (std::string("clip.") + export_format_name(f));
            { std::ofstream(path) << "old content"; }
            KINEMA_REQUIRE_OK(export_clip(clip_, metadata_, f, path));
            QVERIFY(fs::file_size(path) > 1000);
        }
        int files = 0;
        for (const auto& e : fs::directory_iterator(folder)) {
            ++files;
            QVERIFY(e.path().string().find(".tmp-") == std::string::npos);
        }
        QCOMPARE(files, 6);  // five formats + the BVH settings sidecar
        for (auto f : all_export_formats()) {
            const auto s = export_clip(clip_, metadata_, f, folder / "missing" / "x");
            QVERIFY(!s.ok());
            QCOMPARE(s.error().kind, ErrorKind::Io);
        }
        MotionClip broken = clip_;
        broken.transl = broken.transl.narrow(0, 0, 10);
        for (auto f : all_export_formats()) {
            const auto s = export_clip(broken, metadata_, f, folder / "broken");
            QVERIFY(!s.ok());
            QCOMPARE(s.error().kind, ErrorKind::ShapeMismatch);
            QVERIFY(!fs::exists(folder / "broken"));
        }
    }
};

QTEST_GUILESS_MAIN(TestExportFormats)
#include "tst_export_formats.moc"
