#include "app/gui/export_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <QtConcurrent/QtConcurrentRun>

#include "app/gui/generation_controller.h"
#include "app/gui/offscreen_renderer.h"
#include "core/export/export_metadata.h"
#include "core/export/motion_exporter.h"

namespace {

struct Outcome {
    bool ok = false;
    QString message;
    QString path;
};

QString slug(const QString& prompt) {
    QString s = prompt.toLower();
    s.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    s = s.left(40);
    while (s.startsWith('_'))
        s.remove(0, 1);
    while (s.endsWith('_'))
        s.chop(1);
    return s.isEmpty() ? QStringLiteral("motion") : s;
}

QSize parse_size(const QString& text) {
    const QStringList wh = text.split('x');
    if (wh.size() != 2) return {};
    const QSize s(wh[0].toInt(), wh[1].toInt());
    return s.width() >= 16 && s.height() >= 16 && s.width() % 2 == 0 && s.height() % 2 == 0
               ? s
               : QSize();
}

}  // namespace

struct ExportController::VideoJob {
    std::vector<DisplayClip> clips;
    VideoRenderOptions options;
    QString file_name;
};

ExportController::ExportController(QObject* parent) : QObject(parent) {
    const QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QSettings s;
    folder_ =
        s.value(QStringLiteral("export/folder"), QDir(docs).filePath(QStringLiteral("Kinema")))
            .toString();
    video_camera_ =
        s.value(QStringLiteral("video/camera"), QStringLiteral("three-quarter")).toString();
    if (!cameras().contains(video_camera_)) video_camera_ = QStringLiteral("three-quarter");
    video_figure_ = s.value(QStringLiteral("video/figure"), QStringLiteral("both")).toString();
    if (!figures().contains(video_figure_)) video_figure_ = QStringLiteral("both");
    video_size_ = s.value(QStringLiteral("video/size"), QStringLiteral("1280x720")).toString();
    if (!parse_size(video_size_).isValid()) video_size_ = QStringLiteral("1280x720");
    video_codec_ = s.value(QStringLiteral("video/codec"), QStringLiteral("h264")).toString();
    if (!kinema::parse_video_codec(video_codec_.toStdString()))
        video_codec_ = QStringLiteral("h264");
    video_crf_ = std::clamp(s.value(QStringLiteral("video/crf"), 16).toInt(), 0, 51);
    video_tile_ = s.value(QStringLiteral("video/tile"), false).toBool();
    video_caption_ = s.value(QStringLiteral("video/caption"), true).toBool();
    video_trajectory_ = s.value(QStringLiteral("video/trajectory"), true).toBool();
}

QStringList ExportController::cameras() {
    return OffscreenRenderer::cameraPresets();
}

QStringList ExportController::figures() {
    return OffscreenRenderer::figures();
}

void ExportController::saveVideoSettings() {
    QSettings s;
    s.setValue(QStringLiteral("video/camera"), video_camera_);
    s.setValue(QStringLiteral("video/figure"), video_figure_);
    s.setValue(QStringLiteral("video/size"), video_size_);
    s.setValue(QStringLiteral("video/codec"), video_codec_);
    s.setValue(QStringLiteral("video/crf"), video_crf_);
    s.setValue(QStringLiteral("video/tile"), video_tile_);
    s.setValue(QStringLiteral("video/caption"), video_caption_);
    s.setValue(QStringLiteral("video/trajectory"), video_trajectory_);
    Q_EMIT videoChanged();
}

void ExportController::setVideoCamera(const QString& v) {
    if (v == video_camera_ || !cameras().contains(v)) return;
    video_camera_ = v;
    saveVideoSettings();
}
void ExportController::setVideoFigure(const QString& v) {
    if (v == video_figure_ || !figures().contains(v)) return;
    video_figure_ = v;
    saveVideoSettings();
}
void ExportController::setVideoSize(const QString& v) {
    if (v == video_size_ || !parse_size(v).isValid()) return;
    video_size_ = v;
    saveVideoSettings();
}
void ExportController::setVideoCodec(const QString& v) {
    if (v == video_codec_ || !kinema::parse_video_codec(v.toStdString())) return;
    video_codec_ = v;
    saveVideoSettings();
}
void ExportController::setVideoCrf(int v) {
    v = std::clamp(v, 0, 51);
    if (v == video_crf_) return;
    video_crf_ = v;
    saveVideoSettings();
}
void ExportController::setVideoTile(bool v) {
    if (v == video_tile_) return;
    video_tile_ = v;
    saveVideoSettings();
}
void ExportController::setVideoCaption(bool v) {
    if (v == video_caption_) return;
    video_caption_ = v;
    saveVideoSettings();
}
void ExportController::setVideoTrajectory(bool v) {
    if (v == video_trajectory_) return;
    video_trajectory_ = v;
    saveVideoSettings();
}

ExportController::VideoJob ExportController::videoJob(
    const std::shared_ptr<const kinema::MotionResult>& result, const QString& ext) const {
    VideoJob job;
    const int selected =
        std::clamp(controller_ ? controller_->selectedClip() : 0, 0, int(result->clips.size()) - 1);
    std::vector<kinema::MotionClip> chosen;
    if (video_tile_ && result->clips.size() > 1)
        chosen = result->clips;
    else
        chosen.push_back(result->clips[size_t(selected)]);
    const DisplayClipSet display = make_display_clips(chosen);
    if (display) job.clips = *display;
    const QString prompt = QString::fromStdString(result->request.prompt);
    VideoRenderOptions& o = job.options;
    o.size = parse_size(video_size_);
    o.codec = kinema::parse_video_codec(video_codec_.toStdString()).value();
    o.crf = video_crf_;
    o.camera = video_camera_;
    o.figure = video_figure_;
    o.trajectory = video_trajectory_;
    if (video_caption_ && job.clips.size() == 1)
        o.caption = QStringLiteral("%1  (seed %2)").arg(prompt).arg(chosen.front().seed);
    if (video_caption_ && job.clips.size() > 1) {
        o.caption = prompt;
        for (const auto& c : chosen)
            o.labels << QStringLiteral("seed %1").arg(c.seed);
    }
    const auto meta =
        kinema::make_export_metadata(result->request, chosen.front(), result->model_display_name);
    o.comment = QString::fromStdString(kinema::metadata_json(meta));
    job.file_name =
        chosen.size() > 1
            ? QStringLiteral("%1_tiled.%2").arg(slug(prompt), ext)
            : QStringLiteral("%1_s%2.%3").arg(slug(prompt)).arg(chosen.front().seed).arg(ext);
    return job;
}

QString ExportController::renderPreview() {
    const MotionResultPtr result = controller_ ? controller_->result() : MotionResultPtr();
    if (!result || result->clips.empty()) {
        setMessage(tr("Nothing to preview yet: generate a motion first."), false);
        return {};
    }
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return {};
    const VideoJob job = videoJob(result, QStringLiteral("png"));
    if (job.clips.empty()) return {};
    OffscreenRenderer renderer;
    QString error;
    if (!renderer.initialize(job.options.size, &error) ||
        !renderer.setClips(job.clips, job.options.look())) {
        setMessage(tr("Preview failed: %1").arg(error), false);
        return {};
    }
    const QImage frame = renderer.renderFrame(renderer.frameCount() / 2);
    // A new name each time so QML's Image does not show a cached one.
    const QString path = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                             .filePath(QStringLiteral("kinema-video-preview-%1-%2.png")
                                           .arg(QCoreApplication::applicationPid())
                                           .arg(preview_serial_ % 2));
    ++preview_serial_;
    if (frame.isNull() || !frame.save(path)) {
        setMessage(tr("Preview failed: cannot write %1").arg(path), false);
        return {};
    }
    preview_url_ =
        QUrl::fromLocalFile(path).toString() + QStringLiteral("?%1").arg(preview_serial_);
    Q_EMIT previewChanged();
    return preview_url_;
}

QVariantList ExportController::formats() {
    struct F {
        const char* id;
        const char* label;
        const char* note;
        bool available;
    };
    static const F table[] = {
        {"bvh", "BVH motion (.bvh)", "Blender, MotionBuilder, most DCCs", true},
        {"fbx", "FBX with the mannequin (.fbx)", "Unity, Unreal, Maya", true},
        {"glb", "glTF binary (.glb)", "web viewers, Blender, game engines", true},
        {"npz", "NPZ like the official app (.npz)", "Python / HY-Motion tooling", true},
        {"json", "JSON joints and rotations (.json)", "scripts", true},
        {"mp4", "Video (.mp4 / .webm)…", "camera, figure, size and quality, with a preview", true},
    };
    QVariantList out;
    for (const F& f : table) {
        QVariantMap m;
        m["id"] = QString::fromLatin1(f.id);
        m["label"] = QString::fromLatin1(f.label);
        m["extension"] = QString::fromLatin1(f.id);
        m["note"] = QString::fromLatin1(f.note);
        m["available"] = f.available;
        out << m;
    }
    return out;
}

void ExportController::setFolder(const QString& folder) {
    if (folder == folder_) return;
    folder_ = folder;
    QSettings().setValue(QStringLiteral("export/folder"), folder_);
    Q_EMIT folderChanged();
}

bool ExportController::exportTo(const QString& format_id, const QString& path) {
    if (busy_) {
        setMessage(tr("An export is still running."), false);
        return false;
    }
    const MotionResultPtr result = controller_ ? controller_->result() : MotionResultPtr();
    if (!result || result->clips.empty()) {
        setMessage(tr("Nothing to export yet: generate a motion first."), false);
        return false;
    }
    if (format_id == QLatin1String("mp4") || format_id == QLatin1String("webm"))
        return exportVideo(result, format_id, path);
    auto format = kinema::parse_export_format(format_id.toStdString());
    if (!format) {
        setMessage(tr("%1 export is not available in this build yet.").arg(format_id.toUpper()),
                   false);
        return false;
    }
    const int index = std::clamp(controller_->selectedClip(), 0, int(result->clips.size()) - 1);
    QString target = path;
    if (target.isEmpty()) {
        QDir().mkpath(folder_);
        target = QDir(folder_).filePath(
            QStringLiteral("%1_s%2.%3")
                .arg(slug(QString::fromStdString(result->request.prompt)))
                .arg(result->clips[size_t(index)].seed)
                .arg(QString::fromLatin1(kinema::export_format_name(format.value()))));
    }
    busy_ = true;
    Q_EMIT busyChanged();
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome o = watcher->result();
        watcher->deleteLater();
        busy_ = false;
        Q_EMIT busyChanged();
        setMessage(o.message, o.ok);
        Q_EMIT exported(o.ok, o.path);
    });
    const kinema::ExportFormat fmt = format.value();
    watcher->setFuture(QtConcurrent::run([result, index, fmt, target] {
        Outcome o;
        o.path = target;
        const kinema::MotionClip& clip = result->clips[size_t(index)];
        const auto meta =
            kinema::make_export_metadata(result->request, clip, result->model_display_name);
        const kinema::Status st =
            kinema::export_clip(clip, meta, fmt, target.toStdString(), kinema::ExportOptions{});
        o.ok = st.ok();
        o.message = st.ok() ? QObject::tr("Saved %1").arg(target)
                            : QObject::tr("Export failed: %1")
                                  .arg(QString::fromStdString(st.error().describe()));
        return o;
    }));
    return true;
}

bool ExportController::exportVideo(const std::shared_ptr<const kinema::MotionResult>& result,
                                   const QString& format_id, const QString& path) {
    // The offscreen renderer needs a QGuiApplication (an OpenGL context); a headless host has none.
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        setMessage(
            tr("Video export needs the app's window system (run kinema --render under xvfb-run)."),
            false);
        return false;
    }
    // The codec follows the settings; the container follows the entry (mp4, webm): VP9 goes in
    // WebM, H.264 and MPEG-4 in MP4.
    const bool webm = format_id == QLatin1String("webm") ||
                      (path.isEmpty() && video_codec_ == QLatin1String("vp9"));
    VideoJob job = videoJob(result, webm ? QStringLiteral("webm") : QStringLiteral("mp4"));
    if (webm)
        job.options.codec = kinema::VideoCodec::Vp9;
    else if (job.options.codec == kinema::VideoCodec::Vp9)
        job.options.codec = kinema::VideoCodec::H264;
    if (job.clips.empty()) {
        setMessage(tr("Export failed: the clip cannot be drawn."), false);
        return false;
    }
    QString target = path;
    if (target.isEmpty()) {
        QDir().mkpath(folder_);
        target = QDir(folder_).filePath(job.file_name);
    }
    const auto clips = std::make_shared<const std::vector<DisplayClip>>(std::move(job.clips));
    const VideoRenderOptions options = job.options;
    cancel_requested_ = false;
    progress_ = 0;
    busy_ = true;
    Q_EMIT busyChanged();
    Q_EMIT progressChanged();
    // Rendered on the GUI thread (the scene graph needs it), frame by frame; events are processed
    // between frames so the window stays live and cancelExport() can stop it.
    QTimer::singleShot(0, this, [this, clips, options, target] {
        QString error;
        const bool ok = OffscreenRenderer::renderVideo(
            *clips, options, target,
            [this](int done, int total) {
                progress_ = total > 0 ? double(done) / total : 1.0;
                Q_EMIT progressChanged();
                QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents, 5);
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
                return !cancel_requested_;
            },
            &error);
        busy_ = false;
        Q_EMIT busyChanged();
        setMessage(ok                                    ? tr("Saved %1").arg(target)
                   : error == QLatin1String("cancelled") ? tr("Video export cancelled.")
                                                         : tr("Export failed: %1").arg(error),
                   ok);
        Q_EMIT exported(ok, target);
    });
    return true;
}

void ExportController::setMessage(const QString& m, bool ok) {
    last_message_ = m;
    last_ok_ = ok;
    Q_EMIT lastMessageChanged();
}
