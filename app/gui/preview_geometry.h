// PreviewGeometry: one variation of the motion on screen as a QQuick3DGeometry, rebuilt on the GUI
// thread whenever the clip (a live preview or the result) or the time changes. Mode Joints draws a
// sphere per body joint (a larger one for the head), Bones a cylinder per parent->child bone,
// Mannequin a rigid capsule body (one capsule per bone with the export mannequin's radii, plus
// head, hands and feet), Trajectory the root's ground path as a flat ribbon. Units: centimetres
// (the Quick 3D scene unit), Y-up. Reads clips from `source` when set (a ClipSource: the offscreen
// video renderer), else from `controller` (GenerationController::clips()); both are immutable
// shared values.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QPointer>
#include <QVector3D>
#include <QtQuick3D/QQuick3DGeometry>

#include "app/gui/clip_source.h"
#include "app/gui/display_clip.h"

class GenerationController;
Q_MOC_INCLUDE("app/gui/generation_controller.h")

class PreviewGeometry : public QQuick3DGeometry {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(GenerationController* controller READ controller WRITE setController NOTIFY
                   controllerChanged)
    Q_PROPERTY(ClipSource* source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(int clipIndex READ clipIndex WRITE setClipIndex NOTIFY clipIndexChanged)
    Q_PROPERTY(double timeS READ timeS WRITE setTimeS NOTIFY timeSChanged)
    Q_PROPERTY(Mode mode READ mode WRITE setMode NOTIFY modeChanged)
    Q_PROPERTY(bool hasPose READ hasPose NOTIFY poseChanged)
    Q_PROPERTY(QVector3D rootPosition READ rootPosition NOTIFY poseChanged)

public:
    enum Mode { Joints, Bones, Trajectory, Mannequin };
    Q_ENUM(Mode)

    explicit PreviewGeometry(QQuick3DObject* parent = nullptr);

    GenerationController* controller() const { return controller_; }
    void setController(GenerationController* c);
    ClipSource* source() const { return source_; }
    void setSource(ClipSource* s);
    int clipIndex() const { return clip_index_; }
    void setClipIndex(int i);
    double timeS() const { return time_s_; }
    void setTimeS(double t);
    Mode mode() const { return mode_; }
    void setMode(Mode m);
    bool hasPose() const { return has_pose_; }
    QVector3D rootPosition() const { return root_cm_; }

    // The posed joints in centimetres (for tests); empty without a clip.
    QVector<QVector3D> jointsCm() const;

Q_SIGNALS:
    void controllerChanged();
    void sourceChanged();
    void clipIndexChanged();
    void timeSChanged();
    void modeChanged();
    void poseChanged();

private:
    void refreshClip();
    void rebuild();

    QPointer<GenerationController> controller_;
    QPointer<ClipSource> source_;
    DisplayClipSet clips_;
    int clip_index_ = 0;
    double time_s_ = 0;
    Mode mode_ = Joints;
    bool has_pose_ = false;
    QVector3D root_cm_;
    QVector3D joints_cm_[kDisplayJoints];
};
