#include "app/gui/render_gate.h"

#include <QEvent>

#include <algorithm>

namespace {
// A frame still in flight after this long is checked: a sync that rendered nothing ends no flight
// with a frameSwapped, and a grab renders without swapping.
constexpr int kFallbackMs = 100;
// Never wait longer than this for a swap.
constexpr double kMaxFlightMs = 1500;
}  // namespace

RenderGate::RenderGate(QQuickWindow* window, QObject* parent) : QObject(parent), window_(window) {
    window->installEventFilter(this);
    render_clock_.start();
    fallback_.setSingleShot(true);
    fallback_.setInterval(kFallbackMs);
    connect(&fallback_, &QTimer::timeout, this, &RenderGate::onFallback);
    cooldown_.setSingleShot(true);
    cooldown_.setTimerType(Qt::PreciseTimer);
    connect(&cooldown_, &QTimer::timeout, this, &RenderGate::release);
    // afterAnimating: GUI thread, right before polish and sync of a new frame.
    connect(
        window, &QQuickWindow::afterAnimating, this,
        [this] {
            in_flight_ = true;
            // Only the GUI thread starts syncs (polishAndSync, grabWindow) and it blocks until they
            // are done, so the sync of the frame starting now gets the next number.
            awaited_serial_ = sync_serial_.load() + 1;
            frame_clock_.start();
            fallback_.start();
        },
        Qt::DirectConnection);
    // Render thread: number the syncs, then tell the GUI thread which sync each swap ends.
    connect(
        window, &QQuickWindow::afterSynchronizing, this,
        [this] {
            sync_ns_.store(render_clock_.nsecsElapsed());
            sync_serial_.fetch_add(1);
        },
        Qt::DirectConnection);
    connect(
        window, &QQuickWindow::beforeRendering, this,
        [this] { rendered_serial_.store(sync_serial_.load()); }, Qt::DirectConnection);
    connect(
        window, &QQuickWindow::frameSwapped, this,
        [this] {
            const uint64_t serial = sync_serial_.load();
            const double render_ms = (render_clock_.nsecsElapsed() - sync_ns_.load()) / 1e6;
            QMetaObject::invokeMethod(
                this, [this, serial, render_ms] { onFrameSwapped(serial, render_ms); },
                Qt::QueuedConnection);
        },
        Qt::DirectConnection);
}

void RenderGate::post(const void* key, QObject* context, std::function<void()> fn) {
    if (!frameInFlight()) {
        fn();
        return;
    }
    for (Pending& p : pending_)
        if (p.key == key) {
            p.context = context;
            p.fn = std::move(fn);
            return;
        }
    pending_.push_back(Pending{key, context, std::move(fn)});
}

bool RenderGate::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::UpdateRequest && watched == window_ && frameInFlight()) {
        update_deferred_ = true;
        return true;  // polishAndSync now would block until the render thread is done
    }
    return QObject::eventFilter(watched, event);
}

void RenderGate::setThrottle(int min_interval_ms) {
    min_interval_ms_ = std::max(0, min_interval_ms);
    if (min_interval_ms_ == 0 && cooldown_.isActive()) {
        cooldown_.stop();
        release();
    }
}

void RenderGate::onFrameSwapped(uint64_t sync_serial, double render_ms) {
    ++frames_done_;
    last_render_ms_ = render_ms;
    // An older frame: the one the GUI thread synced since is still being drawn.
    if (sync_serial < awaited_serial_) return;
    fallback_.stop();
    in_flight_ = false;
    if (min_interval_ms_ > 0) {
        const double since_start_ms =
            frame_clock_.isValid() ? frame_clock_.nsecsElapsed() / 1e6 : 0;
        const double wait_ms = std::max(render_ms, double(min_interval_ms_) - since_start_ms);
        if (wait_ms >= 1) {
            cooldown_.start(int(wait_ms));
            return;
        }
    }
    release();
}

void RenderGate::onFallback() {
    const bool rendering = rendered_serial_.load() >= awaited_serial_;
    if (rendering && frame_clock_.isValid() && frame_clock_.nsecsElapsed() / 1e6 < kMaxFlightMs) {
        fallback_.start();  // the render thread is drawing the newest frame: wait for its swap
        return;
    }
    release();
}

void RenderGate::release() {
    fallback_.stop();
    in_flight_ = false;
    if (cooldown_.isActive()) return;
    std::vector<Pending> run;
    run.swap(pending_);
    for (Pending& p : run)
        if (p.context) p.fn();
    if (update_deferred_ && window_) {
        update_deferred_ = false;
        window_->requestUpdate();
    }
    Q_EMIT frameDone();
}
