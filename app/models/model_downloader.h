// ModelDownloader: fetches a catalog model (core/models/model_catalog.h) from the Hugging Face hub
// ($HF_ENDPOINT honoured: "<endpoint>/<repo>/resolve/<rev>/<path>") into a folder, one file after
// the other (FileDownload: .part + Range resume, SHA-256 check, atomic rename). Before starting it
// checks the free space against the bytes still missing; files already complete (recorded in the
// folder's manifest with the same size) are skipped; each finished file is recorded there.
// Progress: bytes done over all files, speed (bytes/s over this session) and ETA.
// Offline mode (setOffline, HF_HUB_OFFLINE=1 or KINEMA_OFFLINE=1) fails with Offline at once.
// Thread: one thread with an event loop (the GUI thread or the CLI's QCoreApplication).
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <memory>

#include "app/models/download_error.h"
#include "app/models/file_download.h"
#include "core/models/model_catalog.h"

class QNetworkAccessManager;

class ModelDownloader : public QObject {
    Q_OBJECT
public:
    explicit ModelDownloader(QObject* parent = nullptr);
    ~ModelDownloader() override;

    void setEndpoint(const QString& endpoint) { endpoint_ = endpoint; }
    QString endpoint() const { return endpoint_; }
    void setOffline(bool offline) { offline_ = offline; }
    bool offline() const { return offline_; }
    // Default: QStorageInfo::bytesAvailable of the folder. Tests inject a quota stand-in.
    void setFreeSpaceProbe(FreeSpaceProbe probe) { probe_ = std::move(probe); }
    void setMaxRetries(int n) { max_retries_ = n; }

    // The folder a catalog entry downloads into: <kinema_model_dir()>/<local_name>.
    static QString defaultFolder(const kinema::CatalogEntry& entry);

    // Starts fetching `entry` into `folder`. False (and finished() is emitted, queued) when it
    // cannot start: already running, offline, or not enough disk space.
    bool start(const kinema::CatalogEntry& entry, const QString& folder);
    void cancel();
    bool running() const { return running_; }

Q_SIGNALS:
    void progress(qint64 done_bytes, qint64 total_bytes, double bytes_per_s, double eta_s,
                  const QString& file);
    void fileFinished(const QString& path, const QString& sha256);
    void finished(const DownloadError& error);

private:
    void next();
    void finish(const DownloadError& error);

    struct Job {
        kinema::CatalogFile file;
        FileDownloadRequest request;
    };
    QNetworkAccessManager* nam_;
    QString endpoint_;
    bool offline_ = false;
    FreeSpaceProbe probe_;
    int max_retries_ = 2;
    kinema::CatalogEntry entry_;
    QString folder_;
    QList<Job> jobs_;
    QPointer<FileDownload> current_;
    qint64 done_bytes_ = 0;     // finished files
    qint64 total_bytes_ = 0;    // all files (catalog estimate, refined by the server)
    qint64 session_bytes_ = 0;  // bytes received in this session (speed)
    qint64 current_last_ = 0;
    QElapsedTimer clock_;
    bool running_ = false;
};
