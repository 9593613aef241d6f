#include "app/gui/render_gate.h"

RenderGate::RenderGate(QQuickWindow* window, QObject* parent) : QObject(parent) {
    fallback_.setSingleShot(true);
    fallback_.setInterval(500);
    connect(&fallback_, &QTimer::timeout, this, &RenderGate::onFrameDone);
    // afterAnimating: GUI thread, right before polish and sync of a new frame.
    connect(
        window, &QQuickWindow::afterAnimating, this,
        [this] {
            in_flight_ = true;
            fallback_.start();
        },
        Qt::DirectConnection);
    // frameSwapped: render thread; queued so that the flush runs on the GUI thread.
    connect(window, &QQuickWindow::frameSwapped, this, &RenderGate::onFrameDone,
            Qt::QueuedConnection);
}

void RenderGate::post(const void* key, QObject* context, std::function<void()> fn) {
    if (!in_flight_) {
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

void RenderGate::onFrameDone() {
    fallback_.stop();
    in_flight_ = false;
    std::vector<Pending> run;
    run.swap(pending_);
    for (Pending& p : run)
        if (p.context) p.fn();
    Q_EMIT frameDone();
}
