#include "app/gui/system_status.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "core/model_paths.h"
#include "core/system_info.h"

namespace {

struct Snapshot {
    QString torch_version;
    QString device_summary;
    QStringList models;
};

Snapshot take_snapshot() {
    Snapshot s;
    const kinema::SystemInfo info = kinema::query_system_info();
    s.torch_version = QString::fromStdString(info.torch_version);
    if (info.cuda.devices.empty()) {
        s.device_summary = QStringLiteral("CPU (%1 threads) - %2")
                               .arg(info.intra_op_threads)
                               .arg(QString::fromStdString(info.cuda.reason));
    } else {
        const auto& d = info.cuda.devices.front();
        s.device_summary = QStringLiteral("%1, %2 GiB")
                               .arg(QString::fromStdString(d.name))
                               .arg(double(d.total_bytes) / double(1u << 30), 0, 'f', 1);
    }
    for (const auto& m : kinema::scan_models(kinema::model_search_roots()))
        s.models << QStringLiteral("%1 (%2)").arg(QString::fromStdString(m.folder.string()),
                                                  QString::fromStdString(m.kind));
    return s;
}

}  // namespace

SystemStatus::SystemStatus(QObject* parent) : QObject(parent) {
    refresh();
}

void SystemStatus::refresh() {
    auto* watcher = new QFutureWatcher<Snapshot>(this);
    connect(watcher, &QFutureWatcher<Snapshot>::finished, this, [this, watcher] {
        const Snapshot s = watcher->result();
        torch_version_ = s.torch_version;
        device_summary_ = s.device_summary;
        models_ = s.models;
        ready_ = true;
        watcher->deleteLater();
        Q_EMIT changed();
    });
    watcher->setFuture(QtConcurrent::run(take_snapshot));
}
