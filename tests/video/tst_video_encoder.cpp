// VideoEncoder through FFmpeg, checked with ffprobe / ffmpeg as a user would: codec, size, frame
// count, duration, a decoded frame's pixels; and no partial file after abort or failure.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <vector>

#include "core/export/video_encoder.h"

using namespace kinema;

namespace {

// Frame i: dark background with a white 40x40 square whose x position moves with i.
std::vector<uint8_t> make_frame(int w, int h, int i) {
    std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4, 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = &rgba[(static_cast<size_t>(y) * w + x) * 4];
            const bool square = x >= 20 + 4 * i && x < 60 + 4 * i && y >= 40 && y < 80;
            p[0] = p[1] = p[2] = square ? 255 : 30;
            p[3] = 255;
        }
    return rgba;
}

QJsonObject probe(const QString& file) {
    QProcess p;
    p.start("ffprobe",
            {"-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", file});
    p.waitForFinished(60000);
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

Status write_video(const QString& path, VideoCodec codec, int frames) {
    VideoEncoderOptions o;
    o.width = 320;
    o.height = 240;
    o.codec = codec;
    o.comment = R"({"prompt":"test"})";
    auto enc = VideoEncoder::open(path.toStdString(), o);
    if (!enc) return enc.error();
    for (int i = 0; i < frames; ++i) {
        const auto f = make_frame(o.width, o.height, i);
        KINEMA_TRY_STATUS((*enc)->add_frame(f.data(), o.width * 4));
    }
    return (*enc)->finish();
}

}  // namespace

class TestVideoEncoder : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString path(const QString& name) const { return QDir(tmp_.path()).filePath(name); }

private Q_SLOTS:
    void initTestCase() {
        if (QStandardPaths::findExecutable("ffprobe").isEmpty())
            QSKIP("ffprobe is not installed (apt-get install ffmpeg)");
    }

    void encodesAndProbes_data() {
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("codec_name");
        QTest::newRow("h264 mp4") << int(VideoCodec::H264) << "a.mp4"
                                  << "h264";
        QTest::newRow("mpeg4 mp4") << int(VideoCodec::Mpeg4) << "b.mp4"
                                   << "mpeg4";
        QTest::newRow("vp9 webm") << int(VideoCodec::Vp9) << "c.webm"
                                  << "vp9";
    }
    void encodesAndProbes() {
        QFETCH(int, codec);
        QFETCH(QString, file);
        QFETCH(QString, codec_name);
        auto s = write_video(path(file), VideoCodec(codec), 45);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
        const auto info = probe(path(file));
        const auto stream = info["streams"].toArray()[0].toObject();
        QCOMPARE(stream["codec_name"].toString(), codec_name);
        QCOMPARE(stream["width"].toInt(), 320);
        QCOMPARE(stream["height"].toInt(), 240);
        QCOMPARE(stream["nb_read_frames"].toString().toInt(), 45);
        QCOMPARE(stream["r_frame_rate"].toString(), QStringLiteral("30/1"));
        const double duration = info["format"].toObject()["duration"].toString().toDouble();
        QVERIFY2(std::abs(duration - 1.5) < 0.011, qPrintable(QString::number(duration)));
        QCOMPARE(QDir(tmp_.path()).entryList({file + ".tmp*"}).size(), 0);
    }

    // Frame 30 decoded back: the square is where frame 30 drew it.
    void decodedFrameHasTheContent() {
        QVERIFY(write_video(path("d.mp4"), VideoCodec::H264, 45).ok());
        QProcess p;
        p.start("ffmpeg", {"-v", "error", "-i", path("d.mp4"), "-vf", "select=eq(n\\,30)",
                           "-vframes", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray gray = p.readAllStandardOutput();
        QCOMPARE(gray.size(), 320 * 240);
        auto at = [&](int x, int y) { return static_cast<uint8_t>(gray[y * 320 + x]); };
        QVERIFY(at(20 + 4 * 30 + 20, 60) > 200);  // inside the square of frame 30
        QVERIFY(at(30, 60) < 60);                 // where frame 0's square was
    }

    void pngSequenceIsAFolderOfFrames() {
        QVERIFY(write_video(path("seq"), VideoCodec::PngSequence, 5).ok());
        const QStringList frames =
            QDir(path("seq")).entryList({"frame_*.png"}, QDir::Files, QDir::Name);
        QCOMPARE(frames.size(), 5);
        QCOMPARE(frames.first(), QStringLiteral("frame_000001.png"));
        QFile png(QDir(path("seq")).filePath(frames.last()));
        QVERIFY(png.open(QIODevice::ReadOnly));
        const QByteArray head = png.read(24);  // signature, IHDR length/type, width, height
        QVERIFY(head.startsWith("\x89PNG\r\n\x1a\n"));
        auto be32 = [&](int at) {
            return (uint8_t(head[at]) << 24) | (uint8_t(head[at + 1]) << 16) |
                   (uint8_t(head[at + 2]) << 8) | uint8_t(head[at + 3]);
        };
        QCOMPARE(be32(16), 320u);
        QCOMPARE(be32(20), 240u);
    }

    void abortAndErrorsLeaveNoFile() {
        {
            VideoEncoderOptions o;
            o.width = 320;
            o.height = 240;
            auto enc = VideoEncoder::open(path("cancelled.mp4").toStdString(), o);
            QVERIFY(enc.ok());
            const auto f = make_frame(320, 240, 0);
            QVERIFY((*enc)->add_frame(f.data(), 320 * 4).ok());
            // destroyed without finish(): the cancel path
        }
        QVERIFY(!QFile::exists(path("cancelled.mp4")));
        QCOMPARE(QDir(tmp_.path()).entryList({"cancelled*"}).size(), 0);
        VideoEncoderOptions odd;
        odd.width = 321;
        QCOMPARE(VideoEncoder::open(path("odd.mp4").toStdString(), odd).error().kind,
                 ErrorKind::InvalidRequest);
        auto missing = VideoEncoder::open("/nonexistent-dir/x.mp4", VideoEncoderOptions{});
        QVERIFY(!missing.ok());
        QVERIFY(!write_video(path("empty.mp4"), VideoCodec::H264, 0).ok());
        QVERIFY(!QFile::exists(path("empty.mp4")));
    }
};

QTEST_GUILESS_MAIN(TestVideoEncoder)
#include "tst_video_encoder.moc"
