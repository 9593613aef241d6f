// Runs the built kinema-cli in a child process for the tests/cli suites: exit code (-1 on a crash
// or a run longer than timeout_ms), stdout and stderr. Header-only; test thread only.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace kinema::test {

inline const QString kCli = QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli");

struct CliRun {
    int exit_code = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline CliRun run_cli(const QStringList& args, int timeout_ms = 300000) {
    QProcess p;
    p.start(kCli, args);
    CliRun r;
    if (!p.waitForFinished(timeout_ms)) return r;
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

}  // namespace kinema::test
