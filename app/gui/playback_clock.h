// PlaybackClock: the timeline of the viewport. Advances `timeS` in real time × `speed` while
// `playing`, wrapping when `loop` (else stopping at the end). `frame` = floor(timeS × fps); the
// viewport draws the pose at the fractional time (slerp sub-frame interpolation happens in
// DisplayClip::pose_at). GUI thread only; ticks with a 16 ms precise timer while playing.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QPointer>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include "app/gui/render_gate.h"

class PlaybackClock : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double durationS READ durationS WRITE setDurationS NOTIFY durationChanged)
    Q_PROPERTY(double fps READ fps WRITE setFps NOTIFY durationChanged)
    Q_PROPERTY(double timeS READ timeS WRITE setTimeS NOTIFY timeChanged)
    Q_PROPERTY(int frame READ frame NOTIFY timeChanged)
    Q_PROPERTY(int frameCount READ frameCount NOTIFY durationChanged)
    Q_PROPERTY(bool playing READ playing WRITE setPlaying NOTIFY playingChanged)
    Q_PROPERTY(bool loop READ loop WRITE setLoop NOTIFY loopChanged)
    Q_PROPERTY(double speed READ speed WRITE setSpeed NOTIFY speedChanged)

public:
    explicit PlaybackClock(QObject* parent = nullptr);

    double durationS() const { return duration_s_; }
    void setDurationS(double s);
    double fps() const { return fps_; }
    void setFps(double fps);
    double timeS() const { return time_s_; }
    void setTimeS(double t);
    int frame() const;
    int frameCount() const;
    bool playing() const { return timer_.isActive(); }
    void setPlaying(bool playing);
    bool loop() const { return loop_; }
    void setLoop(bool loop);
    double speed() const { return speed_; }
    void setSpeed(double speed);

    Q_INVOKABLE void toggle() { setPlaying(!playing()); }
    Q_INVOKABLE void stepFrames(int n);
    // Advances by `dt_s` of wall time (what the timer does; public for tests).
    Q_INVOKABLE void advance(double dt_s);
    // Ticks that find a frame in flight are skipped (the next one advances further).
    void setRenderGate(RenderGate* gate) { gate_ = gate; }

Q_SIGNALS:
    void durationChanged();
    void timeChanged();
    void playingChanged();
    void loopChanged();
    void speedChanged();

private:
    QPointer<RenderGate> gate_;
    QTimer timer_;
    QElapsedTimer wall_;
    double duration_s_ = 0;
    double fps_ = 30;
    double time_s_ = 0;
    bool loop_ = true;
    double speed_ = 1.0;
};
