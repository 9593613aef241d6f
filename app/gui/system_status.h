// SystemStatus: what the machine offers (libtorch, CUDA devices, models found), queried on a worker
// thread behind the window so that the window appears before libtorch has finished loading.
// Lives on the GUI thread; `refresh()` may be called from QML.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>

class SystemStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool ready READ ready NOTIFY changed)
    Q_PROPERTY(QString torchVersion READ torchVersion NOTIFY changed)
    Q_PROPERTY(QString deviceSummary READ deviceSummary NOTIFY changed)
    Q_PROPERTY(QStringList models READ models NOTIFY changed)

public:
    explicit SystemStatus(QObject* parent = nullptr);

    bool ready() const { return ready_; }
    QString torchVersion() const { return torch_version_; }
    QString deviceSummary() const { return device_summary_; }
    QStringList models() const { return models_; }

    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void changed();

private:
    bool ready_ = false;
    QString torch_version_;
    QString device_summary_;
    QStringList models_;
};
