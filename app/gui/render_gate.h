// RenderGate: keeps the GUI thread from blocking on the render thread. With Qt Quick's threaded
// render loop, any scene change made while the render thread is still drawing the previous frame
// makes the GUI thread wait in polish/sync until that frame is done; on a software rasteriser that
// is 100-300 ms. The gate tracks whether a frame is in flight (afterAnimating .. frameSwapped) and
// defers frequent updates (playback ticks, progress, live previews, memory readings) until it is
// on screen, coalescing them by key: the newest state wins. GUI thread only.
#pragma once

#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QTimer>

#include <functional>
#include <vector>

class RenderGate : public QObject {
    Q_OBJECT

public:
    explicit RenderGate(QQuickWindow* window, QObject* parent = nullptr);

    bool frameInFlight() const { return in_flight_; }
    // Runs `fn` now when no frame is in flight, else once the current frame is on screen. A later
    // post with the same `key` replaces an earlier pending one. `context` guards the lifetime.
    void post(const void* key, QObject* context, std::function<void()> fn);

Q_SIGNALS:
    void frameDone();

private:
    void onFrameDone();

    struct Pending {
        const void* key;
        QPointer<QObject> context;
        std::function<void()> fn;
    };
    bool in_flight_ = false;
    std::vector<Pending> pending_;
    QTimer fallback_;  // a sync that rendered nothing emits no frameSwapped
};
