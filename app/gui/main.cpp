// kinema: the desktop app. The window is created first; the engine starts behind it on the
// controller's worker thread.
//   --prompt TEXT --model ID --steps N --seeds LIST --duration S   override the saved settings
//   --generate            start a generation as soon as the engine is ready
//   --screenshot FILE     grab the window to FILE (idle; at --screenshot-step N; or while playing)
//   --quit                quit after the screenshot (for automation under xvfb-run)
//   --render CLIP.json [--render CLIP2.json] --out F.mp4 [--size WxH] [--crf N] [--camera C]
//            [--codec C] [--figure F] [--no-trajectory] [--no-caption] [--json]
//                         render saved clips to a video without the window (render_command.h)
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQuickStyle>

#include <atomic>
#include <cstdio>
#include <memory>

#include "app/gui/app_launcher.h"
#include "app/gui/render_command.h"
#include "core/host_allocator_tuning.h"
#include "core/version.h"

namespace {

QPalette dark_palette() {
    QPalette p;
    const QColor window(0x23, 0x26, 0x2c), base(0x1b, 0x1d, 0x22), text(0xdc, 0xdf, 0xe4);
    const QColor button(0x2e, 0x32, 0x3a), highlight(0x3d, 0x8b, 0xfd);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(0x11, 0x13, 0x17));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x90));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x48));
    p.setColor(QPalette::Midlight, QColor(0x33, 0x37, 0x40));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2d, 0x34));
    p.setColor(QPalette::Dark, QColor(0x16, 0x18, 0x1c));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x6a, 0x70, 0x7a));
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    kinema::tune_host_allocator();  // before Qt or libtorch start any thread
    QElapsedTimer since_main;
    since_main.start();
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName("Kinema");
    QGuiApplication::setOrganizationName("Kinema");
    QGuiApplication::setApplicationVersion(KINEMA_VERSION_STRING);
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    QGuiApplication::setPalette(dark_palette());

    QCommandLineParser parser;
    parser.setApplicationDescription("Kinema: text to 3D human motion, on your own machine");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption prompt("prompt", "Prompt to use (saved like a typed one)", "TEXT");
    QCommandLineOption model("model", "Model id (e.g. kinema-tiny, debug-random)", "ID");
    QCommandLineOption steps("steps", "Sampling steps", "N");
    QCommandLineOption seeds("seeds", "Seeds, one variation each, e.g. \"0,1,2\"", "LIST");
    QCommandLineOption duration("duration", "Clip length in seconds (0.5-12)", "S");
    QCommandLineOption generate("generate", "Start a generation when the engine is ready");
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the window to FILE", "FILE");
    QCommandLineOption screenshot_step("screenshot-step",
                                       "Take the screenshot at this live-preview step", "N");
    QCommandLineOption size("size", "Window size for screenshots, e.g. 1600x1000", "WxH");
    QCommandLineOption quit("quit", "Quit after the screenshot");
    parser.addOptions(
        {prompt, model, steps, seeds, duration, generate, screenshot, screenshot_step, size, quit});
    QCommandLineOption render("render",
                              "Render clips saved as JSON to a video (needs X; "
                              "kinema --render CLIP.json --help lists its options)",
                              "CLIP");
    parser.addOption(render);
    // Render mode parses its own options (render_command.h).
    if (is_render_invocation(app.arguments())) return run_render_command(app.arguments());
    parser.process(app);

    LaunchOptions options;
    options.prompt = parser.value(prompt);
    options.model = parser.value(model);
    options.steps = parser.value(steps).toInt();
    options.seeds = parser.value(seeds);
    options.duration_s = parser.value(duration).toDouble();
    options.generate = parser.isSet(generate);
    options.screenshot = parser.value(screenshot);
    options.screenshot_step = parser.value(screenshot_step).toInt();
    options.quit = parser.isSet(quit);
    const QStringList wh = parser.value(size).split('x');
    if (wh.size() == 2) options.size = QSize(wh[0].toInt(), wh[1].toInt());

    QQmlApplicationEngine engine;
    AppLauncher launcher(engine);
    QObject::connect(&launcher, &AppLauncher::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    if (!launcher.start(options)) return 1;
    // The engine starts on its worker after this; report when the window first reached the screen
    // (render thread, so the time is not hidden behind a busy GUI thread).
    auto reported = std::make_shared<std::atomic<bool>>(false);
    QObject::connect(
        launcher.window(), &QQuickWindow::frameSwapped, &app,
        [reported, since_main] {
            if (reported->exchange(true)) return;
            std::fprintf(stderr, "kinema: first frame %lld ms after main()\n",
                         static_cast<long long>(since_main.elapsed()));
        },
        Qt::DirectConnection);
    QObject::connect(launcher.controller(), &GenerationController::engineStateChanged, &app,
                     [c = launcher.controller(), since_main] {
                         if (c->engineState() == QLatin1String("ready") ||
                             c->engineState() == QLatin1String("unavailable"))
                             std::fprintf(stderr, "kinema: engine %s %lld ms after main()\n",
                                          qPrintable(c->engineState()),
                                          static_cast<long long>(since_main.elapsed()));
                     });
    return app.exec();
}
