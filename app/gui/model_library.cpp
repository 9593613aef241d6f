#include "app/gui/model_library.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUrl>
#include <QVariantMap>

ModelLibrary::ModelLibrary(QObject* parent) : QObject(parent) {
    QSettings s;
    extra_folders_ = s.value(QStringLiteral("models/extra_folders")).toStringList();
}

void ModelLibrary::setModels(const QVariantList& models) {
    models_ = models;
    Q_EMIT modelsChanged();
}

int ModelLibrary::indexOf(const QString& id) const {
    for (int i = 0; i < models_.size(); ++i)
        if (models_[i].toMap().value("id").toString() == id) return i;
    return -1;
}

QString ModelLibrary::firstAvailable() const {
    for (const QVariant& m : models_)
        if (m.toMap().value("available").toBool()) return m.toMap().value("id").toString();
    return {};
}

QString ModelLibrary::costText(const QString& id) const {
    const int i = indexOf(id);
    if (i < 0) return tr("no model selected");
    const QVariantMap m = models_[i].toMap();
    if (!m.value("available").toBool())
        return tr("unavailable: %1").arg(m.value("reason").toString());
    const double bytes = m.value("weightBytes").toDouble();
    if (bytes <= 0) return tr("built in, no weights to load");
    if (bytes < 1e9) return tr("%1 MB of weights").arg(bytes / 1e6, 0, 'f', 0);
    return tr("%1 GB of weights").arg(bytes / 1e9, 0, 'f', 1);
}

bool ModelLibrary::addFolder(const QString& path_or_url) {
    QString path = path_or_url.trimmed();
    if (path.startsWith(QStringLiteral("file:"))) path = QUrl(path).toLocalFile();
    path = QDir::cleanPath(QDir::fromNativeSeparators(path));
    if (path.isEmpty() || !QFileInfo(path).isDir() || extra_folders_.contains(path)) return false;
    extra_folders_ << path;
    QSettings().setValue(QStringLiteral("models/extra_folders"), extra_folders_);
    Q_EMIT foldersChanged();
    return true;
}

void ModelLibrary::removeFolder(const QString& path) {
    if (!extra_folders_.removeAll(path)) return;
    QSettings().setValue(QStringLiteral("models/extra_folders"), extra_folders_);
    Q_EMIT foldersChanged();
}
