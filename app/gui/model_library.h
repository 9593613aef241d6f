// ModelLibrary: the models the engine knows (engine.models(), refreshed whenever the engine is
// (re)created) and the folders the user added ("add folder…", persisted in QSettings "models").
// GUI thread only. Each model is a QVariantMap: id, name, kind, folder, available, reason,
// weightBytes, knownActions.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>

class ModelLibrary : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by GenerationController")
    Q_PROPERTY(QVariantList models READ models NOTIFY modelsChanged)
    Q_PROPERTY(QStringList extraFolders READ extraFolders NOTIFY foldersChanged)

public:
    explicit ModelLibrary(QObject* parent = nullptr);

    QVariantList models() const { return models_; }
    QStringList extraFolders() const { return extra_folders_; }
    void setModels(const QVariantList& models);

    // Index of `id` in models, or -1.
    Q_INVOKABLE int indexOf(const QString& id) const;
    // The first available model's id ("" if none).
    Q_INVOKABLE QString firstAvailable() const;
    // "1.2 GB of weights" / why it is unavailable.
    Q_INVOKABLE QString costText(const QString& id) const;
    // Adds a folder (a path or file:// URL). False if it does not exist or is already listed.
    Q_INVOKABLE bool addFolder(const QString& path_or_url);
    Q_INVOKABLE void removeFolder(const QString& path);

Q_SIGNALS:
    void modelsChanged();
    void foldersChanged();

private:
    QVariantList models_;
    QStringList extra_folders_;
};
