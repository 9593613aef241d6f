// ExportController: the export menu (BVH, FBX, GLB, NPZ, JSON, MP4) of the selected result.
// TODO(export): core/export is being written by another agent; `exportTo` is the one hook to wire
// to it (kinema::export_* taking the MotionResult and a path, written to a temp file + rename).
// Until then every format reports itself as not available yet. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>

class GenerationController;
Q_MOC_INCLUDE("app/gui/generation_controller.h")

class ExportController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(GenerationController* controller MEMBER controller_ NOTIFY controllerChanged)
    Q_PROPERTY(QVariantList formats READ formats CONSTANT)
    Q_PROPERTY(QString lastMessage READ lastMessage NOTIFY lastMessageChanged)

public:
    explicit ExportController(QObject* parent = nullptr);

    // Each: {id: "bvh", label: "BVH (.bvh)", extension: "bvh", available: bool, note: QString}
    static QVariantList formats();
    QString lastMessage() const { return last_message_; }

    // Exports the controller's selected clip (or all clips) to `path`. False with lastMessage
    // saying why when the format is not available or there is nothing to export.
    Q_INVOKABLE bool exportTo(const QString& format_id, const QString& path);
    Q_INVOKABLE void clearMessage() { setMessage(QString()); }

Q_SIGNALS:
    void controllerChanged();
    void lastMessageChanged();

private:
    void setMessage(const QString& m);

    GenerationController* controller_ = nullptr;
    QString last_message_;
};
