#include "app/gui/render_command.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <numeric>

#include "app/gui/clip_json_loader.h"
#include "app/gui/offscreen_renderer.h"

namespace {

double mean(const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

int report_failure(const RenderCommandOptions& o, const QString& message) {
    if (o.json) {
        QJsonObject j{{"ok", false}, {"error", message}};
        std::printf("%s\n", QJsonDocument(j).toJson(QJsonDocument::Compact).constData());
    }
    std::fprintf(stderr, "kinema --render: %s\n", qPrintable(message));
    return 1;
}

}  // namespace

bool is_render_invocation(const QStringList& arguments) {
    for (const QString& a : arguments)
        if (a == QLatin1String("--render") || a.startsWith(QLatin1String("--render="))) return true;
    return false;
}

int run_render_command(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "kinema --render: render clips saved as JSON (kinema-cli generate --export json) to a "
        "video. Needs an X server: xvfb-run -a kinema --render ...");
    parser.addHelpOption();
    const QCommandLineOption render("render", "Clip JSON; repeat to tile clips side by side",
                                    "CLIP");
    const QCommandLineOption out("out", "Video file (.mp4, .webm) or a folder for PNG frames",
                                 "FILE");
    const QCommandLineOption size("size", "Frame size, default 1280x720", "WxH");
    const QCommandLineOption crf("crf", "Quality, 0 = lossless (H.264), default 16", "N");
    const QCommandLineOption camera("camera", "front|side|three-quarter|orbit|follow", "NAME");
    const QCommandLineOption codec("codec", "h264|mpeg4|vp9|png (default: from --out)", "NAME");
    const QCommandLineOption preset("preset", "x264 preset, default medium", "NAME");
    const QCommandLineOption figure("figure", "skeleton|mannequin|both (default both)", "NAME");
    const QCommandLineOption no_trajectory("no-trajectory", "Do not draw the root's ground path");
    const QCommandLineOption no_caption("no-caption", "No prompt/seed caption");
    const QCommandLineOption json("json", "Print a JSON summary with per-frame times");
    parser.addOptions(
        {render, out, size, crf, camera, codec, preset, figure, no_trajectory, no_caption, json});
    parser.process(arguments);  // exits with a message on unknown options, prints --help

    RenderCommandOptions r;
    for (const QString& v : parser.values(render))
        for (const QString& p : v.split(',', Qt::SkipEmptyParts))
            r.clip_paths << p;
    r.out_path = parser.value(out);
    r.json = parser.isSet(json);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split('x');
        bool ok_w = false, ok_h = false;
        if (wh.size() == 2) r.size = QSize(wh[0].toInt(&ok_w), wh[1].toInt(&ok_h));
        if (!ok_w || !ok_h)
            return report_failure(r, QStringLiteral("--size wants WxH, e.g. 1280x720"));
    }
    if (parser.isSet(crf)) {
        bool ok = false;
        r.crf = parser.value(crf).toInt(&ok);
        if (!ok) return report_failure(r, QStringLiteral("--crf wants a number"));
    }
    if (parser.isSet(camera)) r.camera = parser.value(camera);
    if (parser.isSet(preset)) r.preset = parser.value(preset);
    if (parser.isSet(figure)) r.figure = parser.value(figure);
    r.codec = parser.value(codec);
    r.trajectory = !parser.isSet(no_trajectory);
    r.caption = !parser.isSet(no_caption);
    return run_render_command(r);
}

int run_render_command(const RenderCommandOptions& o) {
    if (o.out_path.isEmpty()) return report_failure(o, QStringLiteral("--out FILE is required"));
    if (o.clip_paths.isEmpty())
        return report_failure(o, QStringLiteral("--render CLIP.json is required"));
    QString codec_name = o.codec;
    if (codec_name.isEmpty()) {
        const QString ext = QFileInfo(o.out_path).suffix().toLower();
        codec_name = ext == QLatin1String("webm")  ? QStringLiteral("vp9")
                     : ext == QLatin1String("mp4") ? QStringLiteral("h264")
                                                   : QStringLiteral("png");
    }
    const auto codec = kinema::parse_video_codec(codec_name.toStdString());
    if (!codec) return report_failure(o, QString::fromStdString(codec.error().message));

    std::vector<LoadedClip> loaded(size_t(o.clip_paths.size()));
    std::vector<DisplayClip> clips;
    QString error;
    for (int i = 0; i < o.clip_paths.size(); ++i) {
        if (!load_clip_json(o.clip_paths[i], &loaded[size_t(i)], &error))
            return report_failure(o, error);
        clips.push_back(loaded[size_t(i)].clip);
    }
    const LoadedClip& first = loaded.front();

    VideoRenderOptions ro;
    ro.size = o.size;
    ro.codec = *codec;
    ro.crf = o.crf;
    ro.preset = o.preset;
    ro.camera = o.camera;
    ro.figure = o.figure;
    ro.trajectory = o.trajectory;
    if (o.caption && clips.size() == 1 && !first.prompt.isEmpty())
        ro.caption = QStringLiteral("%1  (seed %2)").arg(first.prompt).arg(first.seed);
    if (o.caption && clips.size() > 1) {
        ro.caption = first.prompt;
        for (const LoadedClip& l : loaded)
            ro.labels << QStringLiteral("seed %1").arg(l.seed);
    }
    ro.comment = QString::fromUtf8(first.settings_json);

    VideoRenderStats stats;
    int last_percent = -1;
    auto progress = [&](int done, int total) {
        const int percent = total > 0 ? done * 100 / total : 100;
        if (!o.json && percent / 10 != last_percent / 10) {
            std::fprintf(stderr, "\rrendering %d/%d frames", done, total);
            last_percent = percent;
        }
        return true;
    };
    const bool ok = OffscreenRenderer::renderVideo(clips, ro, o.out_path, progress, &error, &stats);
    if (!o.json) std::fprintf(stderr, "\n");
    if (!ok) return report_failure(o, error);

    const double render = mean(stats.render_ms), encode = mean(stats.encode_ms);
    if (o.json) {
        QJsonArray frames;
        for (size_t i = 0; i < stats.render_ms.size(); ++i)
            frames.append(QJsonObject{{"frame", int(i)},
                                      {"render_ms", stats.render_ms[i]},
                                      {"encode_ms", stats.encode_ms[i]}});
        QJsonObject j{{"ok", true},
                      {"out", o.out_path},
                      {"codec", QString::fromLatin1(kinema::video_codec_name(*codec))},
                      {"width", o.size.width()},
                      {"height", o.size.height()},
                      {"fps", first.clip.fps},
                      {"frames", stats.frames},
                      {"tiles", int(clips.size())},
                      {"camera", o.camera},
                      {"figure", o.figure},
                      {"render_ms_mean", render},
                      {"encode_ms_mean", encode},
                      {"ms_per_frame", stats.frames ? stats.total_ms / stats.frames : 0.0},
                      {"total_ms", stats.total_ms},
                      {"per_frame", frames}};
        std::printf("%s\n", QJsonDocument(j).toJson(QJsonDocument::Compact).constData());
    } else {
        std::fprintf(stderr, "wrote %s: %d frames, %.1f ms/frame render, %.1f ms/frame encode\n",
                     qPrintable(o.out_path), stats.frames, render, encode);
    }
    return 0;
}
