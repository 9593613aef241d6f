// Smoke test of the real window under xvfb-run: loads Main.qml through AppLauncher, fails if Qt
// fell back to the Software adaptation (View3D would be blank), runs a short generation with the
// built-in "debug-random" model, and checks that the viewport holds skeleton pixels both during
// the live preview and during playback (the head joint projects onto joint-coloured pixels).
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

#include "app/gui/app_launcher.h"
#include "app/gui/playback_clock.h"
#include "app/gui/preview_geometry.h"
#include "app/gui/view_settings.h"

namespace {

int luminance(QRgb c) {
    return (qRed(c) * 30 + qGreen(c) * 59 + qBlue(c) * 11) / 100;
}

// Pixels clearly brighter than the dark viewport, floor and grid inside `rect`.
int bright_pixels(const QImage& image, const QRect& rect) {
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            if (luminance(image.pixel(x, y)) > 85) ++n;
    return n;
}

// Depth-first search through the visual item tree (QML items are not always QObject children).
QQuickItem* find_item(QQuickItem* root, const QString& name) {
    if (!root) return nullptr;
    if (root->objectName() == name) return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* hit = find_item(child, name)) return hit;
    return nullptr;
}

// A 4-second, one-seed generation of `prompt` in a 1280x800 window.
LaunchOptions four_second_run(const QString& prompt, int steps) {
    LaunchOptions options;
    options.prompt = prompt;
    options.steps = steps;
    options.duration_s = 4.0;
    options.seeds = QStringLiteral("0");
    options.size = QSize(1280, 800);
    return options;
}

// Waits until the engine worker has started; true when it is ready to generate.
bool engine_becomes_ready(const GenerationController* c) {
    const bool settled = QTest::qWaitFor(
        [&] {
            return c->engineState() == QLatin1String("ready") ||
                   c->engineState() == QLatin1String("unavailable");
        },
        120000);
    return settled && c->engineState() == QLatin1String("ready");
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("KinemaTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QSettings().clear();
    }

    void windowGeometryPersists() {
        const QRect wanted(40, 30, 1100, 720);
        {
            QQmlApplicationEngine engine;
            AppLauncher launcher(engine);
            QVERIFY(launcher.start(LaunchOptions{}));
            QVERIFY(QTest::qWaitForWindowExposed(launcher.window()));
            launcher.window()->setGeometry(wanted);
            QTRY_COMPARE(launcher.window()->size(), wanted.size());
        }  // the launcher saves the geometry when it goes
        QQmlApplicationEngine engine;
        AppLauncher launcher(engine);
        QVERIFY(launcher.start(LaunchOptions{}));
        QCOMPARE(launcher.window()->size(), wanted.size());
    }

    void windowRendersSkeleton() {
        QQmlApplicationEngine engine;
        AppLauncher launcher(engine);
        LaunchOptions options;
        options.prompt = QStringLiteral("A person jumps.");
        options.steps = 12;
        options.duration_s = 1.5;
        options.size = QSize(1280, 800);
        QVERIFY(launcher.start(options));
        QQuickWindow* window = launcher.window();
        GenerationController* c = launcher.controller();
        QVERIFY(window && c);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        const QImage idle = window->grabWindow();
        QVERIFY(!idle.isNull());
        QVERIFY2(window->rendererInterface()->graphicsApi() != QSGRendererInterface::Software,
                 "Qt Quick fell back to the Software adaptation: the 3D viewport would be blank");

        auto* panel = find_item(window->contentItem(), QStringLiteral("viewportPanel"));
        auto* view = find_item(window->contentItem(), QStringLiteral("viewport3d"));
        QVERIFY(panel && view);
        // The skeleton alone: the head check below looks for the opaque joint sphere, which the
        // default "both" figure wraps in a see-through mannequin head.
        auto* view_settings = panel->findChild<ViewSettings*>();
        QVERIFY(view_settings);
        view_settings->setFigure(QStringLiteral("skeleton"));
        const QRect rect = panel->mapRectToScene(QRectF(0, 0, panel->width(), panel->height()))
                               .toRect()
                               .adjusted(40, 50, -40, -40)
                               .intersected(idle.rect());

        QSignalSpy state(c, &GenerationController::engineStateChanged);
        QTRY_VERIFY_WITH_TIMEOUT(c->engineState() == QLatin1String("ready") ||
                                     c->engineState() == QLatin1String("unavailable"),
                                 120000);
        if (c->engineState() != QLatin1String("ready")) {
            QVERIFY2(!c->errorMessage().isEmpty(), "the banner must say why the engine is missing");
            QSKIP("Engine::create failed on this build; the banner shows why");
        }
        c->settings()->setProperty("modelId", QStringLiteral("debug-random"));

        QSignalSpy previews(c, &GenerationController::previewShown);
        QSignalSpy done(c, &GenerationController::generationFinished);
        QVERIFY(c->generate());
        // A short run may finish before any preview is drawn: previews arriving while a frame is
        // in flight are coalesced (latest wins) and the final result supersedes them.
        QVERIFY(QTest::qWaitFor([&] { return previews.count() > 0 || done.count() > 0; }, 120000));
        QTest::qWait(200);
        if (c->busy()) {
            const QImage live = window->grabWindow();
            QVERIFY2(bright_pixels(live, rect) > bright_pixels(idle, rect) + 300,
                     "no skeleton pixels in the viewport during the live preview");
        }
        QVERIFY(done.count() > 0 || done.wait(300000));
        QVERIFY2(done.first().first().toBool(), qPrintable(c->errorMessage()));
        QTest::qWait(500);

        const QImage playing = window->grabWindow();
        const int idle_bright = bright_pixels(idle, rect);
        const int play_bright = bright_pixels(playing, rect);
        qInfo("bright viewport pixels: idle %d, playing %d", idle_bright, play_bright);
        QVERIFY2(play_bright > idle_bright + 300, "no skeleton pixels in the viewport");

        // The head joint (large sphere) projects onto a joint-coloured pixel.
        PreviewGeometry* joints = nullptr;
        for (auto* g : view->findChildren<PreviewGeometry*>())
            if (g->mode() == PreviewGeometry::Joints && g->hasPose()) joints = g;
        if (!joints)
            for (auto* g : window->findChildren<PreviewGeometry*>())
                if (g->mode() == PreviewGeometry::Joints && g->hasPose()) joints = g;
        QVERIFY(joints);
        const QImage now = window->grabWindow();
        const QVector<QVector3D> posed = joints->jointsCm();
        QCOMPARE(posed.size(), kDisplayJoints);
        QVector3D head;
        QVERIFY(QMetaObject::invokeMethod(view, "mapFrom3DScene", Q_RETURN_ARG(QVector3D, head),
                                          Q_ARG(QVector3D, posed[15])));
        const QPointF p = view->mapToScene(QPointF(head.x(), head.y()));
        const QPoint px = p.toPoint();
        QVERIFY2(now.rect().contains(px), "the head is off screen");
        int hits = 0;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx)
                if (luminance(now.pixel(px + QPoint(dx, dy))) > 60) ++hits;
        QVERIFY2(hits >= 13, "the head joint does not cover its projected position");
    }

    // The GUI thread never waits for the render thread during a generation (RenderGate): a 10 ms
    // heartbeat measures how late the GUI thread runs while the preview renders on llvmpipe. Before
    // the gate numbered its frames, the GUI thread waited in polishAndSync for most of every frame
    // (50-95 % of the run stalled, stalls of 55-280 ms on a loaded 2-core machine); now the longest
    // stall is ~10 ms. The bounds are generous (a loaded CI machine descheduling the process must
    // not fail it), but a UI thread that waits for every frame, decodes previews or copies clips
    // per tick fails them.
    void uiThreadNeverWaitsForTheRenderer() {
        QQmlApplicationEngine engine;
        AppLauncher launcher(engine);
        QVERIFY(launcher.start(four_second_run(QStringLiteral("A person walks forward."), 40)));
        GenerationController* c = launcher.controller();
        RenderGate* gate = launcher.gate();
        QVERIFY(c && gate);
        QVERIFY(QTest::qWaitForWindowExposed(launcher.window()));
        if (!engine_becomes_ready(c)) QSKIP("engine unavailable");
        c->settings()->setProperty("modelId", QStringLiteral("debug-random"));
        c->settings()->setProperty("teacacheEnabled", false);
        QTest::qWait(500);  // let the first frames (shader compilation) pass

        QSignalSpy done(c, &GenerationController::generationFinished);
        QSignalSpy previews(c, &GenerationController::previewShown);
        const int frames_before = gate->framesDone();
        QVERIFY(c->generate());
        QVERIFY(done.wait(300000));
        QVERIFY2(done.first().first().toBool(), qPrintable(c->errorMessage()));
        const int frames = gate->framesDone() - frames_before;
        const QVariantMap st = c->uiStallStats();
        qInfo(
            "UI-thread stalls: longest %.1f ms, median %.0f ms, p99 %.0f ms, %d over 50 ms, "
            "%.1f%% of the run stalled, %llu ticks; %d frames, %d previews shown, last frame "
            "rendered in %.0f ms",
            st["maxMs"].toDouble(), st["p50Ms"].toDouble(), st["p99Ms"].toDouble(),
            st["over50"].toInt(), 100 * st["stalledFraction"].toDouble(), st["ticks"].toULongLong(),
            frames, int(previews.count()), gate->lastRenderMs());
        QVERIFY2(st["ticks"].toULongLong() >= 20, "the stall probe did not run");
        QVERIFY2(frames >= 3, "the viewport did not redraw during the generation");
        QVERIFY(previews.count() >= 2);
        QVERIFY2(st["stalledFraction"].toDouble() < 0.25,
                 "the GUI thread spent over a quarter of the generation blocked");
        QVERIFY2(st["p99Ms"].toDouble() < 150, "the GUI thread stalls regularly");
        QVERIFY2(st["maxMs"].toDouble() < 1000, "the GUI thread froze for a second");
    }

    // A figure that travels far (kinema-tiny running forward: ~10 m in 4 s) stays in view: the
    // follow camera keeps its root near the middle of the viewport at every moment, and with
    // Follow off the camera frames the whole path when the result arrives (both ends in view).
    // Before, the camera stayed on the origin at 3.8 m and the runner left the view after ~1 s.
    void cameraKeepsATravellingFigureInView() {
        QQmlApplicationEngine engine;
        AppLauncher launcher(engine);
        QVERIFY(launcher.start(four_second_run(QStringLiteral("a person runs forward"), 30)));
        QQuickWindow* window = launcher.window();
        GenerationController* c = launcher.controller();
        QVERIFY(window && c);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto* panel = find_item(window->contentItem(), QStringLiteral("viewportPanel"));
        auto* view = find_item(window->contentItem(), QStringLiteral("viewport3d"));
        auto* clock = window->property("clock").value<PlaybackClock*>();
        QVERIFY(panel && view && clock);
        auto* view_settings = panel->findChild<ViewSettings*>();
        QVERIFY(view_settings);
        QVERIFY(view_settings->follow());  // the default
        if (!engine_becomes_ready(c)) QSKIP("engine unavailable");
        c->settings()->setProperty("modelId", QStringLiteral("kinema-tiny"));
        QSignalSpy done(c, &GenerationController::generationFinished);
        QVERIFY(c->generate());
        QVERIFY(done.wait(300000));
        QVERIFY2(done.first().first().toBool(), qPrintable(c->errorMessage()));
        QVERIFY(c->clips() && c->clips()->size() == 1);
        const double travel_cm = root_path_bounds_cm(c->clips()->front()).extent();
        qInfo("root path extent %.0f cm", travel_cm);
        QVERIFY2(travel_cm > 400, "the test needs a clip that travels");

        // Where the root (pelvis) lands in the viewport at time t, relative to its centre, in
        // fractions of the half width / height.
        auto root_at = [&](double t) {
            clock->setPlaying(false);
            clock->setTimeS(t);
            QTest::qWait(150);
            const QVector3D r = c->rootOnGroundCm(0, t) + QVector3D(0, 90, 0);
            QVector3D p;
            bool ok = QMetaObject::invokeMethod(view, "mapFrom3DScene", Q_RETURN_ARG(QVector3D, p),
                                                Q_ARG(QVector3D, r));
            const QPointF f((p.x() - view->width() / 2) / (view->width() / 2),
                            (p.y() - view->height() / 2) / (view->height() / 2));
            qInfo("t %.1f s: root at (%.2f, %.2f) of the half view", t, f.x(), f.y());
            return ok ? f : QPointF(9, 9);
        };
        for (double t : {0.0, 2.0, clock->durationS()}) {
            const QPointF f = root_at(t);
            QVERIFY2(std::abs(f.x()) < 0.3 && std::abs(f.y()) < 0.5,
                     "the follow camera lost the figure");
        }
        view_settings->setFollow(false);  // frames the whole path
        for (double t : {0.0, clock->durationS()}) {
            const QPointF f = root_at(t);
            QVERIFY2(std::abs(f.x()) < 0.95 && std::abs(f.y()) < 0.95,
                     "an end of the path is outside the framed view");
        }
        view_settings->setFollow(true);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
