#include "app/gui/render_command.h"

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

int run_render_command(const RenderCommandOptions& o) {
    if (o.out_path.isEmpty()) return report_failure(o, QStringLiteral("--out FILE is required"));
    QString codec_name = o.codec;
    if (codec_name.isEmpty()) {
        const QString ext = QFileInfo(o.out_path).suffix().toLower();
        codec_name = ext == QLatin1String("webm")  ? QStringLiteral("vp9")
                     : ext == QLatin1String("mp4") ? QStringLiteral("h264")
                                                   : QStringLiteral("png");
    }
    const auto codec = kinema::parse_video_codec(codec_name.toStdString());
    if (!codec) return report_failure(o, QString::fromStdString(codec.error().message));

    LoadedClip loaded;
    QString error;
    if (!load_clip_json(o.clip_path, &loaded, &error)) return report_failure(o, error);

    VideoRenderOptions ro;
    ro.size = o.size;
    ro.codec = *codec;
    ro.crf = o.crf;
    ro.preset = o.preset;
    ro.camera = o.camera;
    if (o.caption && !loaded.prompt.isEmpty())
        ro.caption = QStringLiteral("%1  (seed %2)").arg(loaded.prompt).arg(loaded.seed);
    ro.comment = QString::fromUtf8(loaded.settings_json);

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
    const bool ok =
        OffscreenRenderer::renderVideo(loaded.clip, ro, o.out_path, progress, &error, &stats);
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
                      {"fps", loaded.clip.fps},
                      {"frames", stats.frames},
                      {"camera", o.camera},
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
