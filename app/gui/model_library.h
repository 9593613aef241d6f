// ModelLibrary: the model manager's GUI facade.
//  - models: what the engine can run (engine.models(), refreshed whenever the engine is
//    (re)created). Each is a QVariantMap: id, name, kind, folder, available, reason, weightBytes,
//    knownActions, recommendedCfg.
//  - catalog: the models Kinema can fetch (core/models/model_catalog.h) with size, licence and
//    where copies were found (core/models/model_discovery.h): id, name, role, sizeBytes, sizeText,
//    licence, licenceUrl, licenceNote, complete, downloadFolder, locations [{folder, origin,
//    layout, complete}].
//  - downloads (app/models/model_downloader.h): one at a time, with progress, speed, ETA, cancel.
//  - extraFolders: folders the user added, saved in the shared user-folders file
//    (core/models/user_model_folders.h; the CLI's `models add-folder` uses the same file) and in
//    QSettings "models/extra_folders" (read once, for folders added by earlier versions).
// foldersChanged() is also emitted when a download completes, so the owner rescans the models.
// GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>

class ModelDownloader;
struct DownloadError;

class ModelLibrary : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by GenerationController")
    Q_PROPERTY(QVariantList models READ models NOTIFY modelsChanged)
    Q_PROPERTY(QStringList extraFolders READ extraFolders NOTIFY foldersChanged)
    Q_PROPERTY(QVariantList catalog READ catalog NOTIFY catalogChanged)
    Q_PROPERTY(QString downloadId READ downloadId NOTIFY downloadChanged)
    Q_PROPERTY(double downloadFraction READ downloadFraction NOTIFY downloadChanged)
    Q_PROPERTY(QString downloadText READ downloadText NOTIFY downloadChanged)
    Q_PROPERTY(QString downloadError READ downloadError NOTIFY downloadChanged)

public:
    explicit ModelLibrary(QObject* parent = nullptr);
    ~ModelLibrary() override;

    QVariantList models() const { return models_; }
    QStringList extraFolders() const { return extra_folders_; }
    QVariantList catalog() const { return catalog_; }
    QString downloadId() const { return download_id_; }
    double downloadFraction() const { return download_fraction_; }
    QString downloadText() const { return download_text_; }
    QString downloadError() const { return download_error_; }
    void setModels(const QVariantList& models);

    // Index of `id` in models, or -1.
    Q_INVOKABLE int indexOf(const QString& id) const;
    // The first available model's id ("" if none).
    Q_INVOKABLE QString firstAvailable() const;
    // "1.2 GB of weights" / why it is unavailable.
    Q_INVOKABLE QString costText(const QString& id) const;
    // The actions a model was trained on (kinema-tiny); empty for open-vocabulary models.
    Q_INVOKABLE QStringList knownActions(const QString& id) const;
    // The guidance scale the model is meant to run at (5 when unknown).
    Q_INVOKABLE double recommendedCfg(const QString& id) const;
    // Adds a folder (a path or file:// URL). False if it does not exist or is already listed.
    Q_INVOKABLE bool addFolder(const QString& path_or_url);
    Q_INVOKABLE void removeFolder(const QString& path);
    // Re-runs discovery for the catalog view.
    Q_INVOKABLE void refreshCatalog();
    // Starts downloading a catalog model into Kinema's model folder; false when one is running.
    Q_INVOKABLE bool startDownload(const QString& id);
    Q_INVOKABLE void cancelDownload();

    // "4.2 GB", "930 MB".
    static QString sizeText(double bytes);

Q_SIGNALS:
    void modelsChanged();
    void foldersChanged();
    void catalogChanged();
    void downloadChanged();

private:
    void saveFolders();
    void onDownloadFinished(const DownloadError& error);

    QVariantList models_;
    QStringList extra_folders_;
    QVariantList catalog_;
    ModelDownloader* downloader_ = nullptr;  // created on first download
    QString download_id_, download_text_, download_error_;
    double download_fraction_ = 0;
};
