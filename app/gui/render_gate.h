// RenderGate: keeps the GUI thread from blocking on the render thread. With Qt Quick's threaded
// render loop, a scene change made while the render thread is still drawing makes the GUI thread
// wait in polishAndSync until that frame is finished; on a software rasteriser (llvmpipe) that is
// 50-300 ms. The gate knows when a frame is in flight and defers frequent updates (playback ticks,
// progress, live previews, memory readings) until it is on screen, coalescing them by key: the
// newest state wins.
//
// In flight = from afterAnimating (GUI thread, right before polish and sync) until the render
// thread has swapped the frame that sync started. frameSwapped is queued to the GUI thread and
// often arrives after the next frame was already synced, so every swap carries the number of the
// sync it belongs to and only the awaited one ends the flight (an older one would let the GUI
// request a frame while the render thread is still busy: the 55-300 ms stalls seen on llvmpipe). A
// grab (grabWindow) syncs and renders without a swap; it does not start a flight.
//
// Repaints that Qt Quick itself schedules (a View3D asking for another frame after a sync, hover
// effects, animations) arrive as QEvent::UpdateRequest on the window; the gate filters them too:
// one that comes while a frame is in flight is dropped and re-requested when the frame is done.
//
// Throttle (during a generation): after a frame, wait as long again as the render thread took for
// it (at least `min_interval_ms` from its start) before the next deferred update, so rendering
// takes at most about half of one core away from the engine.
//
// GUI thread only, except the render-thread slots connected inside.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QTimer>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

class RenderGate : public QObject {
    Q_OBJECT

public:
    explicit RenderGate(QQuickWindow* window, QObject* parent = nullptr);

    bool frameInFlight() const { return in_flight_ || cooldown_.isActive(); }
    // Runs `fn` now when no frame is in flight, else once the current frame is on screen. A later
    // post with the same `key` replaces an earlier pending one. `context` guards the lifetime.
    void post(const void* key, QObject* context, std::function<void()> fn);

    // Render at most every max(min_interval_ms, last render time x 2) (see above); 0 turns it off.
    void setThrottle(int min_interval_ms);
    int throttle() const { return min_interval_ms_; }

    // Frames swapped since construction and the render time of the last one (render thread,
    // sync to swap, in ms), for logs and tests.
    int framesDone() const { return frames_done_; }
    double lastRenderMs() const { return last_render_ms_; }

Q_SIGNALS:
    void frameDone();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onFrameSwapped(uint64_t sync_serial, double render_ms);
    void onFallback();
    void release();

    struct Pending {
        const void* key;
        QPointer<QObject> context;
        std::function<void()> fn;
    };
    QPointer<QQuickWindow> window_;
    bool in_flight_ = false;
    uint64_t awaited_serial_ = 0;   // the sync number of the frame in flight
    bool update_deferred_ = false;  // an UpdateRequest was held back while a frame was in flight
    std::vector<Pending> pending_;
    QTimer fallback_;            // a sync that rendered nothing (or a grab) emits no frameSwapped
    QTimer cooldown_;            // throttle: the pause after a frame
    QElapsedTimer frame_clock_;  // since the current frame's afterAnimating
    int min_interval_ms_ = 0;
    int frames_done_ = 0;
    double last_render_ms_ = 0;
    // Written by the render thread (sync and swap), read by both.
    std::atomic<uint64_t> sync_serial_{0};
    std::atomic<uint64_t> rendered_serial_{0};
    std::atomic<int64_t> sync_ns_{0};
    QElapsedTimer render_clock_;  // started once; read from both threads (const use)
};
