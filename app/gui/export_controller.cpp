#include "app/gui/export_controller.h"

#include <QVariantMap>

#include "app/gui/generation_controller.h"

ExportController::ExportController(QObject* parent) : QObject(parent) {}

QVariantList ExportController::formats() {
    struct F {
        const char* id;
        const char* label;
        const char* note;
    };
    static const F table[] = {
        {"bvh", "BVH motion (.bvh)", "Blender, MotionBuilder, most DCCs"},
        {"fbx", "FBX with the wooden mannequin (.fbx)", "Unity, Unreal, Maya"},
        {"glb", "glTF binary (.glb)", "web viewers, Blender, game engines"},
        {"npz", "NPZ like the official app (.npz)", "Python / HY-Motion tooling"},
        {"json", "JSON joints and rotations (.json)", "scripts"},
        {"mp4", "MP4 video of the viewport (.mp4)", "sharing"},
    };
    QVariantList out;
    for (const F& f : table) {
        QVariantMap m;
        m["id"] = QString::fromLatin1(f.id);
        m["label"] = QString::fromLatin1(f.label);
        m["extension"] = QString::fromLatin1(f.id);
        m["note"] = QString::fromLatin1(f.note);
        m["available"] = false;  // TODO(export): true once core/export provides the writer
        out << m;
    }
    return out;
}

bool ExportController::exportTo(const QString& format_id, const QString& path) {
    if (!controller_ || !controller_->result()) {
        setMessage(tr("Nothing to export yet: generate a motion first."));
        return false;
    }
    // TODO(export): call core/export here, e.g. kinema::export_motion(*controller_->result(),
    // selected clip, format, path), on a pool thread, and report its Status.
    Q_UNUSED(path);
    setMessage(tr("%1 export is not available in this build yet.").arg(format_id.toUpper()));
    return false;
}

void ExportController::setMessage(const QString& m) {
    last_message_ = m;
    Q_EMIT lastMessageChanged();
}
