#include "app/gui/app_launcher.h"

#include <QCoreApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>

#include <cstdio>

#include "app/gui/generation_controller.h"
#include "app/gui/playback_clock.h"
#include "app/gui/render_gate.h"

AppLauncher::AppLauncher(QQmlApplicationEngine& engine, QObject* parent)
    : QObject(parent), engine_(engine) {
    watchdog_.setSingleShot(true);
    connect(&watchdog_, &QTimer::timeout, this, [this] {
        std::fprintf(stderr, "kinema: automation timed out; grabbing what is on screen\n");
        grabNow();
    });
}

AppLauncher::~AppLauncher() {
    if (window_ && !options_.size.isValid())
        QSettings().setValue(QStringLiteral("window/geometry"), window_->geometry());
}

bool AppLauncher::start(const LaunchOptions& options) {
    options_ = options;
    engine_.load(QUrl(QStringLiteral("qrc:/Kinema/Ui/Main.qml")));
    if (engine_.rootObjects().isEmpty()) return false;
    window_ = qobject_cast<QQuickWindow*>(engine_.rootObjects().first());
    if (!window_) return false;
    controller_ = window_->property("controller").value<GenerationController*>();
    if (!controller_) return false;
    auto* gate = new RenderGate(window_, this);
    gate_ = gate;
    controller_->setRenderGate(gate);
    if (auto* clock = window_->property("clock").value<PlaybackClock*>())
        clock->setRenderGate(gate);

    if (options_.size.isValid()) {
        window_->setGeometry(QRect(QPoint(0, 0), options_.size));
    } else {
        const QRect saved = QSettings().value(QStringLiteral("window/geometry")).toRect();
        if (saved.isValid() && saved.width() >= 800 && saved.height() >= 600)
            window_->setGeometry(saved);
    }

    GenerationSettings* s = controller_->settings();
    if (!options_.prompt.isEmpty()) s->setProperty("prompt", options_.prompt);
    if (options_.steps > 0) s->setProperty("steps", options_.steps);
    if (!options_.seeds.isEmpty()) s->setProperty("seeds", options_.seeds);
    if (options_.duration_s > 0) s->setProperty("durationS", options_.duration_s);

    connect(controller_, &GenerationController::engineStateChanged, this,
            &AppLauncher::onEngineState);
    connect(controller_, &GenerationController::previewShown, this, &AppLauncher::onPreview);
    connect(controller_, &GenerationController::generationFinished, this,
            &AppLauncher::onGenerationFinished);
    if (!options_.screenshot.isEmpty() || options_.generate) watchdog_.start(10 * 60 * 1000);
    if (options_.quit && options_.screenshot.isEmpty() && !options_.generate)
        QTimer::singleShot(0, this, [this] { Q_EMIT finished(0); });
    onEngineState();
    return true;
}

void AppLauncher::onEngineState() {
    if (!controller_) return;
    const QString state = controller_->engineState();
    if (state == QLatin1String("ready") && !options_.model.isEmpty())
        controller_->settings()->setProperty("modelId", options_.model);
    if (state != QLatin1String("ready") && state != QLatin1String("unavailable")) return;
    if (options_.generate && !generation_started_) {
        generation_started_ = true;
        if (controller_->generate()) return;
        // Not started (engine unavailable): the banner says why; grab it.
    }
    if (!options_.screenshot.isEmpty() && !options_.generate) grabSoon(1500);
    if (options_.generate && !controller_->busy()) grabSoon(1500);
}

void AppLauncher::onPreview(int step) {
    if (options_.screenshot_step > 0 && step >= options_.screenshot_step) grabSoon(300);
}

void AppLauncher::onGenerationFinished(bool ok) {
    std::fprintf(stderr, "kinema: generation %s; %s\n", ok ? "finished" : "did not finish",
                 qPrintable(controller_->lastRunSummary()));
    const QVariantMap st = controller_->uiStallStats();
    std::fprintf(stderr,
                 "kinema: UI-thread stalls during the generation: longest %.1f ms, median %.0f ms, "
                 "p99 %.0f ms, %d over 50 ms, %.1f%% of the run stalled (%llu ticks)\n",
                 st["maxMs"].toDouble(), st["p50Ms"].toDouble(), st["p99Ms"].toDouble(),
                 st["over50"].toInt(), 100.0 * st["stalledFraction"].toDouble(),
                 st["ticks"].toULongLong());
    if (options_.screenshot_step <= 0) grabSoon(1500);  // let playback run a moment
}

void AppLauncher::grabSoon(int delay_ms) {
    if (grabbed_ || options_.screenshot.isEmpty()) {
        if (options_.screenshot.isEmpty() && options_.quit && !controller_->busy())
            QTimer::singleShot(delay_ms, this, [this] { Q_EMIT finished(0); });
        return;
    }
    grabbed_ = true;
    QTimer::singleShot(delay_ms, this, &AppLauncher::grabNow);
}

void AppLauncher::grabNow() {
    watchdog_.stop();
    if (!window_) return;
    const QImage image = window_->grabWindow();
    const bool saved = !options_.screenshot.isEmpty() && image.save(options_.screenshot);
    std::fprintf(stderr, "kinema: screenshot %s: %s (graphics API %d)\n",
                 qPrintable(options_.screenshot), saved ? "saved" : "FAILED",
                 int(window_->rendererInterface()->graphicsApi()));
    Q_EMIT screenshotTaken(options_.screenshot, saved);
    if (options_.quit) {
        if (controller_) controller_->cancel();
        Q_EMIT finished(saved ? 0 : 1);
    }
}
