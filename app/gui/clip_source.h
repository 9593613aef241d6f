// ClipSource: a DisplayClipSet for FigureView / PreviewGeometry that does not come from a
// GenerationController: the offscreen video renderer fills one with the clips it draws, so the
// viewport and the video share the same QML figure. GUI thread only; the clips are immutable.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>

#include "app/gui/display_clip.h"

class ClipSource : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int clipCount READ clipCount NOTIFY clipsChanged)

public:
    explicit ClipSource(QObject* parent = nullptr) : QObject(parent) {}

    DisplayClipSet clips() const { return clips_; }
    void setClips(DisplayClipSet clips) {
        clips_ = std::move(clips);
        Q_EMIT clipsChanged();
    }
    int clipCount() const { return clips_ ? int(clips_->size()) : 0; }

Q_SIGNALS:
    void clipsChanged();

private:
    DisplayClipSet clips_;
};
