// FileDownload: one HTTP(S) file to disk, resumable. Bytes go to "<dest>.part"; a later attempt
// sends "Range: bytes=<part size>-" and appends (a 200 answer restarts from zero). Redirects are
// followed by hand so the Hugging Face headers of the first answer are kept: X-Linked-Etag (the
// LFS sha256) and X-Linked-Size. On completion the SHA-256 of the whole file is checked against the
// request's expected hash, else the server's X-Linked-Etag / ETag when it is a 64-hex-digit hash; a
// mismatch deletes the .part. Success renames .part over dest (atomic on one file system).
// $HF_TOKEN, when set, is sent as a Bearer token to the original URL's host (not to redirect
// targets). Thread: the thread that owns the QNetworkAccessManager (an event loop must run).
#pragma once

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <functional>

#include "app/models/download_error.h"

class QNetworkAccessManager;
class QNetworkReply;

struct FileDownloadRequest {
    QUrl url;
    QString dest;                // final path; "<dest>.part" while downloading
    qint64 expected_bytes = -1;  // -1: from the server's headers
    QString expected_sha256;     // lowercase hex; empty: from the server's headers
};

// Free bytes for the folder that will hold a file (-1: unknown, no check).
using FreeSpaceProbe = std::function<qint64(const QString& folder)>;

class FileDownload : public QObject {
    Q_OBJECT
public:
    // nam must outlive this object.
    FileDownload(QNetworkAccessManager* nam, FileDownloadRequest request,
                 QObject* parent = nullptr);
    ~FileDownload() override;

    void setFreeSpaceProbe(FreeSpaceProbe probe) { probe_ = std::move(probe); }
    // Automatic resumes after a transfer that stopped early (default 2).
    void setMaxRetries(int n) { retries_left_ = n; }
    void start();
    void cancel();

    QString sha256() const { return sha256_; }
    qint64 totalBytes() const { return total_; }
    const FileDownloadRequest& request() const { return request_; }

Q_SIGNALS:
    // received_bytes counts the resumed part too; total_bytes -1 while unknown.
    void progress(qint64 received_bytes, qint64 total_bytes);
    void finished(const DownloadError& error);

private:
    void attempt(const QUrl& url);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void fail(DownloadErrorKind kind, const QString& message, int status = 0);
    void complete();
    bool openPart(bool truncate);

    QNetworkAccessManager* nam_;
    FileDownloadRequest request_;
    FreeSpaceProbe probe_;
    QPointer<QNetworkReply> reply_;
    QFile part_;
    QCryptographicHash hash_{QCryptographicHash::Sha256};
    QString linked_sha256_;
    qint64 linked_size_ = -1;
    qint64 offset_ = 0;  // bytes in .part when this attempt started
    qint64 received_ = 0;
    qint64 total_ = -1;
    int status_ = 0;
    int redirects_ = 0;
    int retries_left_ = 2;
    bool writing_ = false;
    bool cancelled_ = false;
    bool done_ = false;
    QString sha256_;
};
