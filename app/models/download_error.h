// The typed outcome of a model download (app/models). kind None means success.
#pragma once

#include <QString>

enum class DownloadErrorKind {
    None,
    Http,          // the server answered an error status (http_status)
    HashMismatch,  // the bytes do not hash to the server's / catalog's SHA-256 (file deleted)
    DiskFull,      // not enough free space (checked before starting), or a write failed with ENOSPC
    Cancelled,     // cancel() was called (the .part file is kept for a later resume)
    Offline,       // offline mode (HF_HUB_OFFLINE=1, KINEMA_OFFLINE=1 or --offline)
    Network,       // connection failed or the transfer stopped early after all retries (.part kept)
    Io,            // the file system refused (create, write, rename)
};

struct DownloadError {
    DownloadErrorKind kind = DownloadErrorKind::None;
    int http_status = 0;
    QString message;

    bool ok() const { return kind == DownloadErrorKind::None; }
};

// "http", "hash-mismatch", "disk-full", "cancelled", "offline", "network", "io", "none".
QString downloadErrorName(DownloadErrorKind kind);
