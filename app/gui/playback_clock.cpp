#include "app/gui/playback_clock.h"

#include <algorithm>
#include <cmath>

PlaybackClock::PlaybackClock(QObject* parent) : QObject(parent) {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(16);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (gate_ && gate_->frameInFlight()) return;
        const double dt = wall_.nsecsElapsed() / 1e9;
        wall_.restart();
        advance(dt);
    });
}

void PlaybackClock::setDurationS(double s) {
    s = std::max(0.0, s);
    if (s == duration_s_) return;
    duration_s_ = s;
    Q_EMIT durationChanged();
    if (time_s_ > duration_s_) setTimeS(loop_ ? 0.0 : duration_s_);
}

void PlaybackClock::setFps(double fps) {
    if (fps <= 0 || fps == fps_) return;
    fps_ = fps;
    Q_EMIT durationChanged();
    Q_EMIT timeChanged();
}

void PlaybackClock::setTimeS(double t) {
    t = std::clamp(t, 0.0, duration_s_);
    if (t == time_s_) return;
    time_s_ = t;
    Q_EMIT timeChanged();
}

int PlaybackClock::frame() const {
    return std::min(std::max(0, frameCount() - 1), int(std::floor(time_s_ * fps_ + 1e-6)));
}

int PlaybackClock::frameCount() const {
    return int(std::lround(duration_s_ * fps_));
}

void PlaybackClock::setPlaying(bool playing) {
    if (playing == timer_.isActive()) return;
    if (playing) {
        if (!loop_ && time_s_ >= duration_s_) setTimeS(0);
        wall_.start();
        timer_.start();
    } else {
        timer_.stop();
    }
    Q_EMIT playingChanged();
}

void PlaybackClock::setLoop(bool loop) {
    if (loop == loop_) return;
    loop_ = loop;
    Q_EMIT loopChanged();
}

void PlaybackClock::setSpeed(double speed) {
    speed = std::clamp(speed, 0.25, 2.0);
    if (speed == speed_) return;
    speed_ = speed;
    Q_EMIT speedChanged();
}

void PlaybackClock::stepFrames(int n) {
    setPlaying(false);
    const int f = std::clamp(frame() + n, 0, std::max(0, frameCount() - 1));
    setTimeS(f / fps_);
}

void PlaybackClock::advance(double dt_s) {
    // The last frame sits at (frames - 1) / fps; loop from there back to 0.
    const double end = std::max(0.0, duration_s_ - 1.0 / fps_);
    if (end <= 0) return;
    double t = time_s_ + dt_s * speed_;
    if (t > end) {
        if (loop_) {
            t = std::fmod(t, end);
        } else {
            t = end;
            setTimeS(t);
            setPlaying(false);
            return;
        }
    }
    setTimeS(t);
}
