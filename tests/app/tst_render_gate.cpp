// RenderGate without a render thread: the test plays the threaded render loop's signals in the
// order Qt emits them (afterAnimating on the GUI thread, then afterSynchronizing, beforeRendering
// and frameSwapped on the render thread) and checks when deferred updates run.
#include <QQuickWindow>
#include <QSignalSpy>
#include <QtTest>

#include "app/gui/render_gate.h"

namespace {

// Counts the UpdateRequest events that get past the gate (installed before it, so it runs after).
class UpdateCounter : public QObject {
public:
    int seen = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::UpdateRequest) ++seen;
        return false;
    }
};

void begin_frame(QQuickWindow& w, bool renders = true) {
    Q_EMIT w.afterAnimating();  // GUI thread: polish and sync start
    Q_EMIT w.afterSynchronizing();
    if (renders) Q_EMIT w.beforeRendering();
}

}  // namespace

class TestRenderGate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void idlePostRunsAtOnce() {
        QQuickWindow window;
        RenderGate gate(&window);
        int runs = 0;
        static const char key = 0;
        gate.post(&key, this, [&] { ++runs; });
        QCOMPARE(runs, 1);
        QVERIFY(!gate.frameInFlight());
    }

    void waitsForTheSwapOfTheFrameItSynced() {
        QQuickWindow window;
        RenderGate gate(&window);
        int runs = 0;
        static const char key = 0;
        begin_frame(window);  // frame 1
        QVERIFY(gate.frameInFlight());
        gate.post(&key, this, [&] { runs += 1; });
        gate.post(&key, this, [&] { runs += 10; });  // same key: replaces the first
        QCOMPARE(runs, 0);
        Q_EMIT window.frameSwapped();  // frame 1 swapped; the GUI thread hears of it later...
        begin_frame(window);           // ...after frame 2 was already synced
        QCoreApplication::processEvents();
        QVERIFY2(gate.frameInFlight(), "frame 1's swap must not end frame 2's flight");
        QCOMPARE(runs, 0);
        Q_EMIT window.frameSwapped();  // frame 2
        QCoreApplication::processEvents();
        QVERIFY(!gate.frameInFlight());
        QCOMPARE(runs, 10);
        QCOMPARE(gate.framesDone(), 2);
    }

    void aGrabDoesNotHoldTheGateShut() {
        QQuickWindow window;
        RenderGate gate(&window);
        int runs = 0;
        static const char key = 0;
        begin_frame(window);
        gate.post(&key, this, [&] { ++runs; });
        Q_EMIT window.frameSwapped();
        // grabWindow(): the render thread syncs and renders once more, without a swap.
        Q_EMIT window.afterSynchronizing();
        Q_EMIT window.beforeRendering();
        QCoreApplication::processEvents();
        QCOMPARE(runs, 1);
        QVERIFY(!gate.frameInFlight());
    }

    void holdsBackQtsOwnUpdateRequests() {
        QQuickWindow window;
        window.create();  // a platform window (never shown) so that requestUpdate() delivers
        UpdateCounter counter;
        window.installEventFilter(&counter);
        RenderGate gate(&window);
        QEvent request(QEvent::UpdateRequest);
        QCoreApplication::sendEvent(&window, &request);
        QCOMPARE(counter.seen, 1);  // idle: passes
        begin_frame(window);
        QCoreApplication::sendEvent(&window, &request);
        QCOMPARE(counter.seen, 1);  // in flight: held back
        Q_EMIT window.frameSwapped();
        QCoreApplication::processEvents();
        QTRY_COMPARE(counter.seen, 2);  // re-requested once the frame is on screen
    }

    void aSyncThatRenderedNothingEndsTheFlight() {
        QQuickWindow window;
        RenderGate gate(&window);
        int runs = 0;
        static const char key = 0;
        begin_frame(window, /*renders=*/false);  // nothing changed: no render, no swap
        gate.post(&key, this, [&] { ++runs; });
        QCOMPARE(runs, 0);
        QTRY_COMPARE_WITH_TIMEOUT(runs, 1, 2000);
        QVERIFY(!gate.frameInFlight());
    }

    void throttleRestsAfterEachFrame() {
        QQuickWindow window;
        RenderGate gate(&window);
        gate.setThrottle(200);
        int runs = 0;
        static const char key = 0;
        begin_frame(window);
        gate.post(&key, this, [&] { ++runs; });
        Q_EMIT window.frameSwapped();
        QCoreApplication::processEvents();
        QVERIFY2(gate.frameInFlight(), "the throttle holds updates back after a quick frame");
        QCOMPARE(runs, 0);
        QTRY_COMPARE_WITH_TIMEOUT(runs, 1, 5000);
        QVERIFY(!gate.frameInFlight());
        // Turning the throttle off releases a resting gate at once.
        begin_frame(window);
        gate.post(&key, this, [&] { ++runs; });
        Q_EMIT window.frameSwapped();
        QCoreApplication::processEvents();
        QCOMPARE(runs, 1);
        gate.setThrottle(0);
        QCOMPARE(runs, 2);
    }
};

QTEST_MAIN(TestRenderGate)
#include "tst_render_gate.moc"
