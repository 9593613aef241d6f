// OffscreenRenderer + VideoEncoder end to end, under xvfb-run: a real clip (the golden pipeline
// clip, cut to 40 frames) is written with the JSON export, read back, rendered to MP4 (H.264) and
// WebM (VP9), and checked with ffprobe (codec, size, frame count, duration) and ffmpeg (a decoded
// middle frame has figure-coloured pixels around the projected root and none in the sky corner).
// Cancelling halfway leaves no file; `kinema --render … --json` reports per-frame times. Two clips
// tiled side by side (mannequin + skeleton, trajectory, caption, seed labels): each tile shows its
// figure where its projected joints say, in the render and in the decoded video; the mannequin
// alone draws the body too. `kinema-cli generate --export mp4,webm` writes one video per seed (and
// one tiled with --tile) whose frame count and duration match the generated clips, reports the
// render time per frame with --json, and without an X server fails with a typed error.
#include <ATen/ATen.h>

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/clip_json_loader.h"
#include "app/gui/export_controller.h"
#include "app/gui/generation_controller.h"
#include "app/gui/generation_settings.h"
#include "app/gui/offscreen_renderer.h"
#include "core/export/json_writer.h"
#include "tests/export/export_test_support.h"

using namespace kinema;

namespace {

constexpr int kFrames = 40;
const QSize kSize(640, 360);

QJsonObject ffprobe(const QString& file) {
    QProcess p;
    p.start("ffprobe",
            {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
             "stream=codec_name,width,height,nb_read_frames:format=duration", "-of", "json", file});
    if (!p.waitForFinished(120000)) return {};
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

// Figure colours (the orange joints, the bone ivory) are warm and bright; the ground and the
// background are dark grey-blue.
bool figure_pixel(QRgb c) {
    return qRed(c) > 140 && qRed(c) - qBlue(c) > 35;
}

int figure_pixels(const QImage& image, const QRect& box) {
    int n = 0;
    const QRect r = box.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += figure_pixel(image.pixel(x, y)) ? 1 : 0;
    return n;
}

}  // namespace

class TestRenderVideo : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString clip_json_;
    LoadedClip loaded_;

    QString file(const QString& name) const { return dir_.filePath(name); }

    // The loaded clip and a copy walking 1.5 m to the side: two distinguishable variations.
    std::vector<DisplayClip> twoClips() const {
        DisplayClip shifted = loaded_.clip;
        for (QVector3D& p : shifted.joints)
            p += QVector3D(1.5f, 0, 0);
        shifted.seed = 1;
        return {loaded_.clip, shifted};
    }

    static QImage decodeFrame(const QString& video, int index, const QString& png) {
        QProcess p;
        p.start("ffmpeg", {"-v", "error", "-y", "-i", video, "-vf",
                           QString("select=eq(n\\,%1)").arg(index), "-frames:v", "1", png});
        if (!p.waitForFinished(120000) || p.exitCode() != 0) return {};
        return QImage(png);
    }

private Q_SLOTS:
    void initTestCase() {
        if (QStandardPaths::findExecutable("ffprobe").isEmpty())
            QSKIP("ffprobe is not installed (apt-get install ffmpeg)");
        MotionClip clip = test::golden_clip(0);
        QVERIFY(clip.frames() >= kFrames);
        clip.rot6d = clip.rot6d.narrow(0, 0, kFrames).contiguous();
        clip.rotations = clip.rotations.narrow(0, 0, kFrames).contiguous();
        clip.transl = clip.transl.narrow(0, 0, kFrames).contiguous();
        clip.joints = clip.joints.narrow(0, 0, kFrames).contiguous();
        ExportMetadata metadata;
        metadata.prompt = "a person walks forward";
        metadata.seed = 0;
        metadata.fps = 30;
        metadata.frames = kFrames;
        clip_json_ = file("clip.json");
        const Status s = write_motion_json(clip_json_.toStdString(), clip, metadata);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());

        QString error;
        QVERIFY2(load_clip_json(clip_json_, &loaded_, &error), qPrintable(error));
        QCOMPARE(loaded_.clip.frames, kFrames);
        QCOMPARE(loaded_.clip.fps, 30.0);
        QCOMPARE(loaded_.prompt, QStringLiteral("a person walks forward"));
        const auto j = clip.joints.to(at::kFloat).contiguous();
        const float* p = j.data_ptr<float>();
        const QVector3D last = loaded_.clip.joints[size_t(kFrames - 1) * kDisplayJoints + 21];
        const float* q = p + (size_t(kFrames - 1) * 52 + 21) * 3;
        QVERIFY(qAbs(last.x() - q[0]) < 1e-5f && qAbs(last.y() - q[1]) < 1e-5f &&
                qAbs(last.z() - q[2]) < 1e-5f);
    }

    void rejectsBadInput() {
        LoadedClip c;
        QString error;
        QVERIFY(!load_clip_json(file("missing.json"), &c, &error));
        OffscreenRenderer r;
        QVERIFY(!r.initialize(QSize(641, 360), &error));
        QVERIFY(r.initialize(QSize(64, 64), &error));
        QVERIFY(!r.setClip(loaded_.clip, "upside-down", {}));
    }

    void renderAndProbe_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("codecName");
        QTest::newRow("mp4") << "clip.mp4" << int(VideoCodec::H264) << "h264";
        QTest::newRow("webm") << "clip.webm" << int(VideoCodec::Vp9) << "vp9";
    }
    void renderAndProbe() {
        QFETCH(QString, name);
        QFETCH(int, codec);
        QFETCH(QString, codecName);
        VideoRenderOptions o;
        o.size = kSize;
        o.codec = VideoCodec(codec);
        o.camera = "front";
        o.caption = "a person walks forward  (seed 0)";
        int calls = 0;
        VideoRenderStats stats;
        QString error;
        const QString out = file(name);
        QVERIFY2(OffscreenRenderer::renderVideo(
                     loaded_.clip, o, out, [&](int, int) { return ++calls > 0; }, &error, &stats),
                 qPrintable(error));
        QCOMPARE(stats.frames, kFrames);
        QVERIFY(calls >= kFrames);
        double sum = 0;
        for (double ms : stats.render_ms)
            sum += ms;
        qInfo("%s: %.1f ms/frame render at %dx%d", qPrintable(name), sum / kFrames, kSize.width(),
              kSize.height());

        const QJsonObject probe = ffprobe(out);
        const QJsonObject stream = probe["streams"].toArray().at(0).toObject();
        QCOMPARE(stream["codec_name"].toString(), codecName);
        QCOMPARE(stream["width"].toInt(), kSize.width());
        QCOMPARE(stream["height"].toInt(), kSize.height());
        QCOMPARE(stream["nb_read_frames"].toString().toInt(), kFrames);
        const double duration = probe["format"].toObject()["duration"].toString().toDouble();
        QVERIFY2(qAbs(duration - kFrames / 30.0) < 0.011, qPrintable(QString::number(duration)));
    }

    void middleFrameShowsTheFigure() {
        const int middle = kFrames / 2;
        OffscreenRenderer r;
        QString error;
        QVERIFY2(r.initialize(kSize, &error), qPrintable(error));
        QVERIFY(r.setClip(loaded_.clip, "front", {}));
        const QImage direct = r.renderFrame(middle);
        const QPointF root = r.projectedRoot();
        QVERIFY2(QRectF(QPointF(0, 0), QSizeF(kSize)).contains(root),
                 qPrintable(QString("%1,%2").arg(root.x()).arg(root.y())));

        const QString png = file("middle.png");
        QProcess p;
        p.start("ffmpeg", {"-v", "error", "-y", "-i", file("clip.mp4"), "-vf",
                           QString("select=eq(n\\,%1)").arg(middle), "-frames:v", "1", png});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QImage decoded(png);
        QCOMPARE(decoded.size(), kSize);
        // Around the projected pelvis (a box a quarter of the height on each side): the body.
        const int half = kSize.height() / 4;
        const QRect box(int(root.x()) - half, int(root.y()) - half, 2 * half, 2 * half);
        const int near_root = figure_pixels(decoded, box);
        QVERIFY2(near_root > 50, qPrintable(QString::number(near_root)));
        QVERIFY(figure_pixels(direct, box) > 50);
        // The sky corner above the figure: no body there.
        QCOMPARE(figure_pixels(decoded, QRect(0, 0, kSize.width() / 8, kSize.height() / 8)), 0);
    }

    void cancelHalfwayLeavesNoFile() {
        VideoRenderOptions o;
        o.size = QSize(320, 180);
        const QString out = file("cancelled.mp4");
        QString error;
        const bool ok = OffscreenRenderer::renderVideo(
            loaded_.clip, o, out, [](int done, int total) { return done < total / 2; }, &error);
        QVERIFY(!ok);
        QCOMPARE(error, QStringLiteral("cancelled"));
        QVERIFY(!QFile::exists(out));
        const QStringList left = QDir(dir_.path()).entryList({"cancelled*"}, QDir::AllEntries);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(' ')));
    }

    void cliRendersWithJsonTimes() {
        const QString kinema = KINEMA_BINARY_DIR "/app/gui/kinema";
        if (!QFile::exists(kinema)) QSKIP("the kinema executable is not built");
        const QString out = file("cli.webm");
        QProcess p;
        p.start(kinema, {"--render", clip_json_, "--out", out, "--size", "320x180", "--camera",
                         "orbit", "--json"});
        QVERIFY(p.waitForFinished(300000));
        const QByteArray stdout_text = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(stdout_text).object();
        QCOMPARE(j["ok"].toBool(), true);
        QCOMPARE(j["frames"].toInt(), kFrames);
        QCOMPARE(j["codec"].toString(), QStringLiteral("vp9"));
        QCOMPARE(j["per_frame"].toArray().size(), kFrames);
        QVERIFY(j["render_ms_mean"].toDouble() > 0);
        QCOMPARE(ffprobe(out)["streams"].toArray().at(0).toObject()["nb_read_frames"].toString(),
                 QString::number(kFrames));
        // A bad camera fails cleanly and writes nothing.
        QProcess bad;
        bad.start(kinema, {"--render", clip_json_, "--out", file("bad.mp4"), "--camera", "nope"});
        QVERIFY(bad.waitForFinished(120000));
        QCOMPARE(bad.exitCode(), 1);
        QVERIFY(!QFile::exists(file("bad.mp4")));
    }

    void tiledFramesShowEachFigure() {
        const std::vector<DisplayClip> clips = twoClips();
        VideoRenderOptions o;
        o.size = kSize;
        o.camera = "three-quarter";
        o.figure = "both";
        o.caption = "a person walks forward";
        o.labels = QStringList{"seed 0", "seed 1"};
        OffscreenRenderer r;
        QString error;
        QVERIFY2(r.initialize(kSize, &error), qPrintable(error));
        QVERIFY(!r.setClips(clips, RenderLook{"three-quarter", "wireframe", true, {}, {}}));
        QVERIFY(r.setClips(clips, o.look()));
        QCOMPARE(r.frameCount(), kFrames);
        const int middle = kFrames / 2;
        const QImage direct = r.renderFrame(middle);
        QCOMPARE(direct.size(), kSize);

        const QString out = file("tiled.mp4");
        VideoRenderStats stats;
        QVERIFY2(OffscreenRenderer::renderVideo(clips, o, out, {}, &error, &stats),
                 qPrintable(error));
        QCOMPARE(stats.frames, kFrames);
        const QJsonObject stream = ffprobe(out)["streams"].toArray().at(0).toObject();
        QCOMPARE(stream["width"].toInt(), kSize.width());
        QCOMPARE(stream["nb_read_frames"].toString().toInt(), kFrames);
        const QImage decoded = decodeFrame(out, middle, file("tiled_middle.png"));
        QCOMPARE(decoded.size(), kSize);

        const int tile_w = kSize.width() / 2;
        for (int tile = 0; tile < 2; ++tile) {
            const QRect tile_rect(tile * tile_w, 0, tile_w, kSize.height());
            for (int joint : {0, 15}) {  // pelvis, head
                const QPointF p = r.projectedJoint(tile, joint);
                QVERIFY2(tile_rect.contains(p.toPoint()),
                         qPrintable(QString("tile %1 joint %2 at %3,%4")
                                        .arg(tile)
                                        .arg(joint)
                                        .arg(p.x())
                                        .arg(p.y())));
                const QRect box(int(p.x()) - 12, int(p.y()) - 12, 24, 24);
                QVERIFY2(figure_pixels(direct, box) > 20,
                         qPrintable(QString("render, tile %1 joint %2").arg(tile).arg(joint)));
                QVERIFY2(figure_pixels(decoded, box) > 20,
                         qPrintable(QString("video, tile %1 joint %2").arg(tile).arg(joint)));
            }
            // The top of each tile above the label (sky): no body.
            QCOMPARE(figure_pixels(decoded, QRect(tile_rect.left() + tile_w / 2, 0, tile_w / 4, 8)),
                     0);
        }
        QVERIFY(r.projectedJoint(2, 0).x() < 0);  // no third tile
    }

    void mannequinAloneDrawsTheBody() {
        OffscreenRenderer r;
        QString error;
        QVERIFY2(r.initialize(kSize, &error), qPrintable(error));
        RenderLook look;
        look.camera = "side";
        look.figure = "mannequin";
        look.trajectory = false;
        QVERIFY(r.setClips({loaded_.clip}, look));
        const QImage body = r.renderFrame(kFrames / 2);
        look.figure = "skeleton";
        QVERIFY(r.setClips({loaded_.clip}, look));
        const QImage bones = r.renderFrame(kFrames / 2);
        // Around the chest (between the pelvis and the head): the capsule body covers more.
        const QPointF pelvis = r.projectedJoint(0, 0), head = r.projectedJoint(0, 15);
        const QRect box = QRectF(pelvis, head).normalized().adjusted(-25, -10, 25, 10).toRect();
        const int body_px = figure_pixels(body, box), bone_px = figure_pixels(bones, box);
        qInfo("torso pixels: mannequin %d, skeleton %d", body_px, bone_px);
        QVERIFY2(body_px > bone_px + 100,
                 qPrintable(QString("%1 vs %2").arg(body_px).arg(bone_px)));
    }

    // kinema-cli generate --export json,mp4,webm: one video per seed, and one tiled with --tile.
    void generateExportsVideos() {
        const QString cli = KINEMA_BINARY_DIR "/app/cli/kinema-cli";
        if (!QFile::exists(cli) || !QFile::exists(KINEMA_BINARY_DIR "/app/gui/kinema"))
            QSKIP("kinema-cli or kinema is not built");
        const QString out_dir = file("generated");
        // clang-format off
        const QStringList common = {"generate", "--prompt", "a person walks forward",
                                    "--duration", "1", "--steps", "4", "--seeds", "3,7",
                                    "--figure", "both", "--out-dir", out_dir, "--json", "--quiet"};
        // clang-format on
        QProcess p;
        p.start(cli, common + QStringList{"--export", "json,mp4,webm", "--video-size", "320x180"});
        QVERIFY(p.waitForFinished(600000));
        const QByteArray text = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0, (text + p.readAllStandardError()).constData());
        const QJsonObject doc = QJsonDocument::fromJson(text).object();
        const QJsonArray clips = doc["clips"].toArray();
        QCOMPARE(clips.size(), 2);
        const QJsonArray videos = doc["videos"].toArray();
        QCOMPARE(videos.size(), 4);  // 2 seeds x (mp4, webm)
        for (const QJsonValue& v : videos) {
            QVERIFY(v.toObject()["ms_per_frame"].toDouble() > 0);
            QVERIFY(v.toObject()["render_ms_mean"].toDouble() > 0);
        }
        for (const QJsonValue& c : clips) {
            const int seed = c.toObject()["seed"].toInt();
            const int frames = c.toObject()["frames"].toInt();
            const double fps = c.toObject()["fps"].toDouble();
            QVERIFY(frames > 0);
            for (const QString& ext : {QStringLiteral("mp4"), QStringLiteral("webm")}) {
                const QString video = QDir(out_dir).filePath(
                    QString("a_person_walks_forward_s%1.%2").arg(seed).arg(ext));
                const QJsonObject probe = ffprobe(video);
                const QJsonObject stream = probe["streams"].toArray().at(0).toObject();
                QCOMPARE(stream["codec_name"].toString(), ext == QLatin1String("mp4")
                                                              ? QStringLiteral("h264")
                                                              : QStringLiteral("vp9"));
                QCOMPARE(stream["width"].toInt(), 320);
                QCOMPARE(stream["height"].toInt(), 180);
                QCOMPARE(stream["nb_read_frames"].toString().toInt(), frames);
                const double duration =
                    probe["format"].toObject()["duration"].toString().toDouble();
                QVERIFY2(qAbs(duration - frames / fps) < 0.011,
                         qPrintable(QString("%1: %2 s").arg(video).arg(duration)));
            }
        }

        // --tile: both seeds in one video; each half of a decoded middle frame holds a figure.
        QProcess tiled;
        tiled.start(cli, common + QStringList{"--export", "mp4", "--tile", "--video-size",
                                              "640x360", "--camera", "front"});
        QVERIFY(tiled.waitForFinished(600000));
        QVERIFY2(tiled.exitCode() == 0, tiled.readAllStandardError().constData());
        const QString video = QDir(out_dir).filePath("a_person_walks_forward_tiled.mp4");
        const int frames = clips.at(0).toObject()["frames"].toInt();
        const QJsonObject stream = ffprobe(video)["streams"].toArray().at(0).toObject();
        QCOMPARE(stream["width"].toInt(), 640);
        QCOMPARE(stream["nb_read_frames"].toString().toInt(), frames);
        const QImage middle = decodeFrame(video, frames / 2, file("generated_tiled.png"));
        QCOMPARE(middle.size(), QSize(640, 360));
        for (int tile = 0; tile < 2; ++tile) {
            const int n = figure_pixels(middle, QRect(tile * 320, 0, 320, 360));
            QVERIFY2(n > 200, qPrintable(QString("tile %1: %2 figure pixels").arg(tile).arg(n)));
        }

        // Without an X server: a typed error before generating, and no file.
        QProcess no_x;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        no_x.setProcessEnvironment(env);
        no_x.start(cli, {"generate", "--prompt", "a person jumps", "--duration", "1", "--steps",
                         "2", "--export", "webm", "--out-dir", file("no_x"), "--json"});
        QVERIFY(no_x.waitForFinished(120000));
        QVERIFY(no_x.exitCode() != 0);
        const QByteArray err = no_x.readAllStandardOutput() + no_x.readAllStandardError();
        QVERIFY2(err.contains("Unsupported") && err.contains("xvfb-run"), err.constData());
        QVERIFY(!QFile::exists(QDir(file("no_x")).filePath("a_person_jumps_s0.webm")));
    }

    // The Export menu's MP4 entry: a debug-random generation exported through ExportController
    // renders 1280x720 H.264 with every frame; cancelExport() stops one and leaves no file.
    void exportMenuWritesMp4() {
        GenerationController c;
        QElapsedTimer t;
        t.start();
        while (c.engineState() != QLatin1String("ready") &&
               c.engineState() != QLatin1String("unavailable") && t.elapsed() < 120000)
            QTest::qWait(200);
        if (c.engineState() != QLatin1String("ready")) QSKIP("engine unavailable");
        GenerationSettings* s = c.settings();
        s->setProperty("prompt", QStringLiteral("A person walks forward."));
        s->setProperty("modelId", QStringLiteral("debug-random"));
        s->setProperty("steps", 3);
        s->setProperty("durationS", 1.0);
        s->setProperty("seeds", QStringLiteral("5"));
        s->setProperty("teacacheEnabled", false);
        QSignalSpy done(&c, &GenerationController::generationFinished);
        QVERIFY(c.generate());
        QVERIFY(done.wait(300000));
        QVERIFY(c.hasResult());
        const int frames = int(c.result()->clips.front().frames());

        ExportController exporter;
        exporter.setProperty("controller", QVariant::fromValue(&c));
        QSignalSpy exported(&exporter, &ExportController::exported);
        const QString cancelled = file("menu_cancelled.mp4");
        QVERIFY(exporter.exportTo(QStringLiteral("mp4"), cancelled));
        QVERIFY(exporter.busy());
        connect(&exporter, &ExportController::progressChanged, &exporter, [&exporter] {
            if (exporter.progress() >= 0.3) exporter.cancelExport();
        });
        QVERIFY(exported.wait(300000));
        QCOMPARE(exported.first().at(0).toBool(), false);
        QVERIFY(!QFile::exists(cancelled));
        exporter.disconnect(&exporter);

        exported.clear();
        const QString out = file("menu.mp4");
        QVERIFY(exporter.exportTo(QStringLiteral("mp4"), out));
        QVERIFY(exported.wait(300000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exporter.lastMessage()));
        const QJsonObject stream = ffprobe(out)["streams"].toArray().at(0).toObject();
        QCOMPARE(stream["codec_name"].toString(), QStringLiteral("h264"));
        QCOMPARE(stream["width"].toInt(), 1280);
        QCOMPARE(stream["height"].toInt(), 720);
        QVERIFY(stream["nb_read_frames"].toString().toInt() >= frames - 1);  // see renderAndProbe

        // The video dialog's framing preview: the middle frame at the chosen size, figure drawn.
        const QString url = exporter.renderPreview();
        QVERIFY2(!url.isEmpty(), qPrintable(exporter.lastMessage()));
        QCOMPARE(exporter.property("previewUrl").toString(), url);
        const QImage still(QUrl(url).toLocalFile());
        const QSize wanted =
            QSize(exporter.property("videoSize").toString().section('x', 0, 0).toInt(),
                  exporter.property("videoSize").toString().section('x', 1, 1).toInt());
        QCOMPARE(still.size(), wanted);
        QVERIFY(figure_pixels(still, still.rect()) > 100);
    }
};

QTEST_MAIN(TestRenderVideo)
#include "tst_render_video.moc"
