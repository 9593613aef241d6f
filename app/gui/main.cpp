// kinema: the desktop app. The window is created first; libtorch work happens behind it.
//   --screenshot FILE   grab the window to FILE after it has rendered
//   --quit              quit after the screenshot (for automation under xvfb-run)
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

#include "core/version.h"

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName("Kinema");
    QGuiApplication::setOrganizationName("Kinema");
    QGuiApplication::setApplicationVersion(KINEMA_VERSION_STRING);

    QCommandLineParser parser;
    parser.setApplicationDescription("Kinema: text to 3D human motion, on your own machine");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", "Save a screenshot of the window to FILE", "FILE");
    QCommandLineOption quit("quit", "Quit after the screenshot");
    parser.addOptions({screenshot, quit});
    parser.process(app);

    QQmlApplicationEngine engine;
    engine.load(QUrl(QStringLiteral("qrc:/Kinema/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    if (!window) return 1;

    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        const bool quit_after = parser.isSet(quit);
        QTimer::singleShot(2500, window, [window, path, quit_after] {
            const QImage image = window->grabWindow();
            const bool saved = image.save(path);
            qInfo("kinema: screenshot %s: %s (graphics API %d)", qPrintable(path),
                  saved ? "saved" : "FAILED", int(window->rendererInterface()->graphicsApi()));
            if (quit_after) QCoreApplication::exit(saved ? 0 : 1);
        });
    } else if (parser.isSet(quit)) {
        QTimer::singleShot(0, &app, &QCoreApplication::quit);
    }
    return app.exec();
}
