#include "app/gui/export_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
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

}  // namespace

ExportController::ExportController(QObject* parent) : QObject(parent) {
    const QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    folder_ =
        QSettings()
            .value(QStringLiteral("export/folder"), QDir(docs).filePath(QStringLiteral("Kinema")))
            .toString();
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
        {"mp4", "MP4 video of the skeleton (.mp4)", "sharing, 1280x720 H.264", true},
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
    if (format_id == QLatin1String("mp4")) return exportVideo(result, path);
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
                                   const QString& path) {
    // The offscreen renderer needs a QGuiApplication (an OpenGL context); a headless host has none.
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        setMessage(
            tr("MP4 export needs the app's window system (run kinema --render under xvfb-run)."),
            false);
        return false;
    }
    const int index = std::clamp(controller_->selectedClip(), 0, int(result->clips.size()) - 1);
    const kinema::MotionClip& clip = result->clips[size_t(index)];
    QString target = path;
    if (target.isEmpty()) {
        QDir().mkpath(folder_);
        target =
            QDir(folder_).filePath(QStringLiteral("%1_s%2.mp4")
                                       .arg(slug(QString::fromStdString(result->request.prompt)))
                                       .arg(clip.seed));
    }
    const DisplayClipSet display = make_display_clips({clip});
    if (!display || display->empty()) {
        setMessage(tr("Export failed: the clip cannot be drawn."), false);
        return false;
    }
    const auto meta =
        kinema::make_export_metadata(result->request, clip, result->model_display_name);
    VideoRenderOptions options;
    options.caption = QStringLiteral("%1  (seed %2)")
                          .arg(QString::fromStdString(result->request.prompt))
                          .arg(clip.seed);
    options.comment = QString::fromStdString(kinema::metadata_json(meta));
    cancel_requested_ = false;
    progress_ = 0;
    busy_ = true;
    Q_EMIT busyChanged();
    Q_EMIT progressChanged();
    // Rendered on the GUI thread (the scene graph needs it), frame by frame; events are processed
    // between frames so the window stays live and cancelExport() can stop it.
    QTimer::singleShot(0, this, [this, display, options, target] {
        QString error;
        const bool ok = OffscreenRenderer::renderVideo(
            display->front(), options, target,
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
