// ExportController: the export menu (BVH, FBX, GLB, NPZ, JSON, MP4) of the selected variation.
// BVH/FBX/GLB/NPZ/JSON go through core/export (kinema::export_clip, atomic temp + rename) on a
// pool thread; the MotionResult is an immutable shared value, so the UI may start the next run
// meanwhile. MP4 renders the skeleton offscreen (OffscreenRenderer, 1280x720, H.264 CRF 16) on
// the GUI thread frame by frame, processing events in between; cancelExport() stops it (no file).
// Files go to `folder` (QSettings "export/folder", default ~/Documents/Kinema) as
// <prompt-slug>_s<seed>.<ext>. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>

#include <memory>

namespace kinema {
struct MotionResult;
}

class GenerationController;
Q_MOC_INCLUDE("app/gui/generation_controller.h")

class ExportController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(GenerationController* controller MEMBER controller_ NOTIFY controllerChanged)
    Q_PROPERTY(QVariantList formats READ formats CONSTANT)
    Q_PROPERTY(QString folder READ folder WRITE setFolder NOTIFY folderChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString lastMessage READ lastMessage NOTIFY lastMessageChanged)
    Q_PROPERTY(bool lastOk READ lastOk NOTIFY lastMessageChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)

public:
    explicit ExportController(QObject* parent = nullptr);

    // Each: {id: "bvh", label: "BVH motion (.bvh)", extension, available: bool, note}
    static QVariantList formats();
    QString folder() const { return folder_; }
    void setFolder(const QString& folder);
    bool busy() const { return busy_; }
    QString lastMessage() const { return last_message_; }
    bool lastOk() const { return last_ok_; }
    double progress() const { return progress_; }  // 0..1 of a running video export

    // Exports the selected clip of the last result in `format_id`; `path` empty: the default
    // file name in `folder`. Returns false (lastMessage says why) when nothing can start;
    // true when the export started (exported(...) follows).
    Q_INVOKABLE bool exportTo(const QString& format_id, const QString& path = QString());
    Q_INVOKABLE void clearMessage() { setMessage(QString(), true); }
    // Stops a running video export; it reports "cancelled" and leaves no file.
    Q_INVOKABLE void cancelExport() { cancel_requested_ = true; }

Q_SIGNALS:
    void controllerChanged();
    void folderChanged();
    void busyChanged();
    void lastMessageChanged();
    void exported(bool ok, const QString& path);
    void progressChanged();

private:
    void setMessage(const QString& m, bool ok);
    bool exportVideo(const std::shared_ptr<const kinema::MotionResult>& result,
                     const QString& path);

    GenerationController* controller_ = nullptr;
    QString folder_;
    bool busy_ = false;
    QString last_message_;
    bool last_ok_ = true;
    double progress_ = 0;
    bool cancel_requested_ = false;
};
