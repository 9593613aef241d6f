// AppLauncher: creates the main window (qrc:/Kinema/Ui/Main.qml) and drives the automation the
// command line asks for: set the prompt, start a generation, save a screenshot when the window is
// idle, at a live-preview step, or while the result plays, then quit. Also restores and saves the
// window geometry (QSettings "window/geometry"). GUI thread only; used by main() and the tests.
#pragma once

#include <QImage>
#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QSize>
#include <QString>
#include <QTimer>

#include "app/gui/generation_controller.h"
#include "app/gui/render_gate.h"

class QQmlApplicationEngine;

struct LaunchOptions {
    QString prompt;           // empty: keep the saved prompt
    QString model;            // empty: keep the saved model
    QString seeds;            // e.g. "0, 1, 2": one variation per seed; empty: keep
    int steps = 0;            // 0: keep
    double duration_s = 0;    // 0: keep
    bool generate = false;    // start a generation once the engine is ready
    QString screenshot;       // file to save
    int screenshot_step = 0;  // > 0: grab at the first live preview at or past this step
    bool quit = false;        // quit after the screenshot (or at once without one)
    QSize size;               // forced window size (for docs); invalid: saved geometry
};

class AppLauncher : public QObject {
    Q_OBJECT

public:
    explicit AppLauncher(QQmlApplicationEngine& engine, QObject* parent = nullptr);
    ~AppLauncher() override;

    // Loads the window; false if QML failed to load.
    bool start(const LaunchOptions& options);
    QQuickWindow* window() const { return window_; }
    GenerationController* controller() const { return controller_; }
    RenderGate* gate() const { return gate_; }

Q_SIGNALS:
    void screenshotTaken(const QString& path, bool saved);
    void finished(int exit_code);  // automation is done (only with --quit)

private:
    void onEngineState();
    void onPreview(int step);
    void onGenerationFinished(bool ok);
    void grabSoon(int delay_ms);
    void grabNow();

    QQmlApplicationEngine& engine_;
    QPointer<QQuickWindow> window_;
    QPointer<GenerationController> controller_;
    QPointer<RenderGate> gate_;
    LaunchOptions options_;
    bool generation_started_ = false;
    bool grabbed_ = false;
    QTimer watchdog_;
};
