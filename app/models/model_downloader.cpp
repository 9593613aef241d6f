#include "app/models/model_downloader.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QStorageInfo>
#include <algorithm>

#include "core/models/download_manifest.h"
#include "core/models/model_discovery.h"

ModelDownloader::ModelDownloader(QObject* parent)
    : QObject(parent),
      nam_(new QNetworkAccessManager(this)),
      endpoint_(QString::fromStdString(kinema::hub_endpoint())) {
    offline_ = qEnvironmentVariable("HF_HUB_OFFLINE") == QLatin1String("1") ||
               qEnvironmentVariable("KINEMA_OFFLINE") == QLatin1String("1");
    probe_ = [](const QString& folder) -> qint64 {
        QStorageInfo info(folder);
        return info.isValid() ? info.bytesAvailable() : -1;
    };
}

ModelDownloader::~ModelDownloader() = default;

QString ModelDownloader::defaultFolder(const kinema::CatalogEntry& entry) {
    return QString::fromStdString((kinema::kinema_model_dir() / entry.local_name).string());
}

bool ModelDownloader::start(const kinema::CatalogEntry& entry, const QString& folder) {
    auto reject = [this](DownloadErrorKind kind, const QString& message) {
        QMetaObject::invokeMethod(
            this,
            [this, kind, message] {
                Q_EMIT finished(DownloadError{kind, 0, message});
            },
            Qt::QueuedConnection);
        return false;
    };
    if (running_) return reject(DownloadErrorKind::Io, tr("a download is already running"));
    if (offline_)
        return reject(
            DownloadErrorKind::Offline,
            tr("offline mode: %1 is not downloaded").arg(QString::fromStdString(entry.id)));
    if (!QDir().mkpath(folder))
        return reject(DownloadErrorKind::Io, tr("cannot create %1").arg(folder));
    entry_ = entry;
    folder_ = folder;
    jobs_.clear();
    const auto manifest = kinema::read_download_manifest(folder.toStdString());
    qint64 missing = 0;
    total_bytes_ = 0;
    done_bytes_ = 0;
    for (const auto& f : entry.files) {
        const QString dest = QDir(folder).filePath(QString::fromStdString(f.path));
        const qint64 estimate = static_cast<qint64>(f.size_bytes);
        const QFileInfo info(dest);
        auto it = manifest.find(f.path);
        if (info.isFile() && it != manifest.end() &&
            static_cast<qint64>(it->second.size_bytes) == info.size()) {
            total_bytes_ += info.size();
            done_bytes_ += info.size();
            continue;
        }
        total_bytes_ += estimate;
        missing += estimate - QFileInfo(dest + QStringLiteral(".part")).size();
        Job job;
        job.file = f;
        job.request.url =
            QUrl(QString::fromStdString(kinema::hub_file_url(endpoint_.toStdString(), entry, f)));
        job.request.dest = dest;
        if (f.size_exact) job.request.expected_bytes = static_cast<qint64>(f.size_bytes);
        job.request.expected_sha256 = QString::fromStdString(f.sha256);
        jobs_.push_back(job);
    }
    // Per-file sizes may be unknown (Qwen3 shards): the entry's total is the better estimate.
    const qint64 approx = static_cast<qint64>(entry.approx_total_bytes);
    if (approx > total_bytes_) {
        missing += approx - total_bytes_;
        total_bytes_ = approx;
    }
    if (probe_ && missing > 0) {
        const qint64 free_bytes = probe_(folder);
        if (free_bytes >= 0 && free_bytes < missing)
            return reject(DownloadErrorKind::DiskFull,
                          tr("%1 needs about %2 MB in %3, only %4 MB are free")
                              .arg(QString::fromStdString(entry.display_name))
                              .arg(missing / 1e6, 0, 'f', 0)
                              .arg(folder)
                              .arg(free_bytes / 1e6, 0, 'f', 0));
    }
    running_ = true;
    session_bytes_ = 0;
    clock_.start();
    QMetaObject::invokeMethod(this, &ModelDownloader::next, Qt::QueuedConnection);
    return true;
}

void ModelDownloader::cancel() {
    if (current_) current_->cancel();
}

void ModelDownloader::next() {
    if (jobs_.isEmpty()) return finish(DownloadError{});
    const Job job = jobs_.takeFirst();
    auto* download = new FileDownload(nam_, job.request, this);
    download->setFreeSpaceProbe(probe_);
    download->setMaxRetries(max_retries_);
    current_ = download;
    current_last_ = -1;
    const QString name = QString::fromStdString(job.file.path);
    const qint64 estimate = static_cast<qint64>(job.file.size_bytes);
    connect(download, &FileDownload::progress, this,
            [this, name, estimate](qint64 received, qint64 total) {
                if (current_last_ < 0) {
                    // First headers: replace the catalog estimate with the server's size and
                    // count bytes resumed from the .part as done.
                    if (total > 0 && estimate > 0)
                        total_bytes_ += total - estimate;
                    else if (total > 0 && estimate == 0)
                        total_bytes_ = std::max(total_bytes_, done_bytes_ + total);
                    current_last_ = received;
                }
                session_bytes_ += received - current_last_;
                current_last_ = received;
                const double elapsed_s = std::max(1e-3, clock_.elapsed() / 1000.0);
                const double speed = session_bytes_ / elapsed_s;
                const qint64 done = done_bytes_ + received;
                const double eta =
                    speed > 0 ? std::max<qint64>(0, total_bytes_ - done) / speed : -1;
                Q_EMIT progress(done, std::max(total_bytes_, done), speed, eta, name);
            });
    connect(download, &FileDownload::finished, this, [this, download, job](const DownloadError& e) {
        download->deleteLater();
        if (!e.ok()) return finish(e);
        const qint64 size = QFileInfo(job.request.dest).size();
        done_bytes_ += size;
        const auto status = kinema::record_downloaded_file(
            folder_.toStdString(), job.file.path,
            {static_cast<uint64_t>(size), download->sha256().toStdString()},
            job.request.url.toString().toStdString());
        if (!status)
            return finish(DownloadError{DownloadErrorKind::Io, 0,
                                        QString::fromStdString(status.error().describe())});
        Q_EMIT fileFinished(job.request.dest, download->sha256());
        next();
    });
    download->start();
}

void ModelDownloader::finish(const DownloadError& error) {
    running_ = false;
    current_ = nullptr;
    jobs_.clear();
    Q_EMIT finished(error);
}
