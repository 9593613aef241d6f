#include "app/models/file_download.h"

#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <filesystem>
#include <system_error>

namespace {

// An ETag / X-Linked-Etag value -> lowercase sha256 hex, or "" when it is not one (git blob ids of
// small files are 40 hex digits: not a sha256).
QString etagSha256(QByteArray value) {
    value = value.trimmed();
    if (value.startsWith("W/")) value = value.mid(2);
    if (value.startsWith('"') && value.endsWith('"') && value.size() >= 2)
        value = value.mid(1, value.size() - 2);
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    const QString s = QString::fromLatin1(value);
    return hex.match(s).hasMatch() ? s.toLower() : QString();
}

}  // namespace

QString downloadErrorName(DownloadErrorKind kind) {
    switch (kind) {
        case DownloadErrorKind::None:
            return QStringLiteral("none");
        case DownloadErrorKind::Http:
            return QStringLiteral("http");
        case DownloadErrorKind::HashMismatch:
            return QStringLiteral("hash-mismatch");
        case DownloadErrorKind::DiskFull:
            return QStringLiteral("disk-full");
        case DownloadErrorKind::Cancelled:
            return QStringLiteral("cancelled");
        case DownloadErrorKind::Offline:
            return QStringLiteral("offline");
        case DownloadErrorKind::Network:
            return QStringLiteral("network");
        case DownloadErrorKind::Io:
            return QStringLiteral("io");
    }
    return QStringLiteral("unknown");
}

FileDownload::FileDownload(QNetworkAccessManager* nam, FileDownloadRequest request, QObject* parent)
    : QObject(parent), nam_(nam), request_(std::move(request)) {
    part_.setFileName(request_.dest + QStringLiteral(".part"));
}

FileDownload::~FileDownload() {
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
        reply_->deleteLater();
    }
}

void FileDownload::start() {
    redirects_ = 0;
    attempt(request_.url);
}

void FileDownload::cancel() {
    if (done_) return;
    cancelled_ = true;
    if (reply_) reply_->abort();  // onFinished reports Cancelled
}

bool FileDownload::openPart(bool truncate) {
    part_.close();
    if (truncate) {
        hash_.reset();
        offset_ = 0;
        received_ = 0;
        return part_.open(QIODevice::WriteOnly | QIODevice::Truncate);
    }
    return part_.open(QIODevice::WriteOnly | QIODevice::Append);
}

void FileDownload::attempt(const QUrl& url) {
    status_ = 0;
    writing_ = false;
    if (redirects_ == 0) {
        // Hash what an earlier attempt left, so the final hash covers the whole file.
        hash_.reset();
        offset_ = 0;
        part_.close();
        if (part_.exists() && part_.open(QIODevice::ReadOnly)) {
            while (!part_.atEnd())
                hash_.addData(part_.read(4 << 20));
            offset_ = part_.size();
            part_.close();
        }
        received_ = offset_;
    }
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("User-Agent", "kinema-model-downloader");
    // No transparent compression: byte offsets must be those of the file.
    req.setRawHeader("Accept-Encoding", "identity");
    if (offset_ > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(offset_) + "-");
    // A Hugging Face token (gated repos) goes to the endpoint's own host only, never to the CDN a
    // redirect points at.
    const QByteArray token = qgetenv("HF_TOKEN");
    if (!token.isEmpty() && url.host() == request_.url.host())
        req.setRawHeader("Authorization", "Bearer " + token);
    reply_ = nam_->get(req);
    connect(reply_, &QNetworkReply::metaDataChanged, this, &FileDownload::onMetaData);
    connect(reply_, &QIODevice::readyRead, this, &FileDownload::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &FileDownload::onFinished);
}

void FileDownload::onMetaData() {
    if (!reply_) return;
    status_ = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (const QByteArray l = reply_->rawHeader("X-Linked-Etag"); !l.isEmpty())
        linked_sha256_ = etagSha256(l);
    if (const QByteArray s = reply_->rawHeader("X-Linked-Size"); !s.isEmpty())
        linked_size_ = s.toLongLong();
    if (status_ != 200 && status_ != 206) return;  // redirects and errors: onFinished
    if (status_ == 200) offset_ = 0;  // the server ignored the Range: the body is the whole file
    const qint64 length = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    total_ = -1;
    if (request_.expected_bytes >= 0)
        total_ = request_.expected_bytes;
    else if (linked_size_ >= 0)
        total_ = linked_size_;
    else if (status_ == 206) {
        const QByteArray range = reply_->rawHeader("Content-Range");  // bytes a-b/total
        const int slash = range.lastIndexOf('/');
        if (slash >= 0) total_ = range.mid(slash + 1).toLongLong();
    }
    if (total_ < 0 && length > 0) total_ = offset_ + length;
    if (request_.expected_sha256.isEmpty() && linked_sha256_.isEmpty())
        linked_sha256_ = etagSha256(reply_->rawHeader("ETag"));
    if (probe_ && total_ > 0) {
        const qint64 free_bytes = probe_(QFileInfo(request_.dest).absolutePath());
        if (free_bytes >= 0 && free_bytes < total_ - offset_)
            return fail(DownloadErrorKind::DiskFull,
                        tr("%1 needs %2 more bytes but only %3 are free")
                            .arg(request_.dest)
                            .arg(total_ - offset_)
                            .arg(free_bytes));
    }
    // 200 (or nothing resumed): a fresh file; 206: append to what the .part holds.
    if (!openPart(/*truncate=*/offset_ == 0))
        return fail(DownloadErrorKind::Io, part_.errorString());
    writing_ = true;
    Q_EMIT progress(received_, total_);
}

void FileDownload::onReadyRead() {
    if (!reply_ || !writing_) return;
    const QByteArray data = reply_->readAll();
    if (data.isEmpty()) return;
    if (part_.write(data) != data.size()) {
        const bool full = part_.error() == QFileDevice::ResourceError;
        return fail(full ? DownloadErrorKind::DiskFull : DownloadErrorKind::Io,
                    tr("writing %1 failed: %2").arg(part_.fileName(), part_.errorString()));
    }
    hash_.addData(data);
    received_ += data.size();
    Q_EMIT progress(received_, total_);
}

void FileDownload::onFinished() {
    if (!reply_ || done_) return;
    QNetworkReply* reply = reply_;
    reply_ = nullptr;
    reply->deleteLater();
    if (writing_ && !cancelled_ && reply->isOpen()) {
        const QByteArray rest = reply->readAll();
        if (!rest.isEmpty()) {
            part_.write(rest);
            hash_.addData(rest);
            received_ += rest.size();
        }
    }
    part_.close();
    if (cancelled_) return fail(DownloadErrorKind::Cancelled, tr("download cancelled"));
    if (status_ >= 300 && status_ < 400) {
        const QUrl target = reply->url().resolved(
            reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl());
        if (!target.isValid() || ++redirects_ > 10)
            return fail(DownloadErrorKind::Http, tr("bad or endless redirect"), status_);
        return attempt(target);
    }
    if (status_ == 416 && offset_ > 0) {
        // Range not satisfiable: the .part is complete already, or longer than the file.
        const qint64 expected =
            request_.expected_bytes >= 0 ? request_.expected_bytes : linked_size_;
        if (expected == offset_) {
            total_ = offset_;
            return complete();
        }
        QFile::remove(part_.fileName());
        redirects_ = 0;
        return attempt(request_.url);
    }
    if (status_ >= 400 || (status_ == 0 && reply->error() != QNetworkReply::NoError && !writing_)) {
        if (status_ >= 400)
            return fail(DownloadErrorKind::Http,
                        tr("HTTP %1 for %2").arg(status_).arg(request_.url.toString()), status_);
        return fail(DownloadErrorKind::Network, reply->errorString());
    }
    const bool short_transfer =
        total_ >= 0 ? received_ < total_ : reply->error() != QNetworkReply::NoError;
    if (short_transfer) {
        if (retries_left_-- > 0) {
            redirects_ = 0;
            return attempt(request_.url);
        }
        return fail(
            DownloadErrorKind::Network,
            tr("transfer stopped at %1 of %2 bytes (%3); the .part file is kept and the next "
               "download resumes")
                .arg(received_)
                .arg(total_)
                .arg(reply->errorString()));
    }
    complete();
}

void FileDownload::complete() {
    sha256_ = QString::fromLatin1(hash_.result().toHex());
    const QString expected =
        !request_.expected_sha256.isEmpty() ? request_.expected_sha256.toLower() : linked_sha256_;
    if (total_ >= 0 && received_ != total_ && received_ != 0) {
        QFile::remove(part_.fileName());
        return fail(
            DownloadErrorKind::HashMismatch,
            tr("%1 has %2 bytes, expected %3").arg(request_.dest).arg(received_).arg(total_));
    }
    if (!expected.isEmpty() && expected != sha256_) {
        QFile::remove(part_.fileName());
        return fail(DownloadErrorKind::HashMismatch,
                    tr("%1: SHA-256 %2, the server announced %3; the file was deleted")
                        .arg(request_.dest, sha256_, expected));
    }
    std::error_code ec;
    std::filesystem::rename(part_.fileName().toStdString(), request_.dest.toStdString(), ec);
    if (ec)
        return fail(
            DownloadErrorKind::Io,
            tr("cannot rename %1: %2").arg(part_.fileName(), QString::fromStdString(ec.message())));
    done_ = true;
    Q_EMIT finished(DownloadError{});
}

void FileDownload::fail(DownloadErrorKind kind, const QString& message, int status) {
    if (done_) return;
    done_ = true;
    part_.close();
    if (reply_) {
        QNetworkReply* reply = reply_;
        reply_ = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    Q_EMIT finished(DownloadError{kind, status, message});
}
