// Builds fake model folders for the model-manager tests: a Hugging Face hub cache
// (models--<org>--<name>/{refs/main, snapshots/<rev>/..., blobs/<sha256>}), the official `ckpts/`
// layout and ComfyUI's. Files are tiny; HY-Motion folders carry the real config.yml fixtures.
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTest>

namespace fake_models {

inline bool write_file(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return f.write(bytes) == bytes.size();
}

inline QByteArray read_fixture(const char* name) {
    QFile f(QStringLiteral(KINEMA_TEST_FIXTURES "/io/") + QString::fromLatin1(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline QByteArray sha256_hex(const QByteArray& bytes) {
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// One file of a hub cache snapshot: the bytes in blobs/<sha256>, a relative symlink in the
// snapshot.
inline bool add_hf_file(const QString& repo_dir, const QString& rev, const QString& path,
                        const QByteArray& bytes) {
    const QString blob = repo_dir + "/blobs/" + QString::fromLatin1(sha256_hex(bytes));
    if (!write_file(blob, bytes)) return false;
    const QString link = repo_dir + "/snapshots/" + rev + "/" + path;
    QDir().mkpath(QFileInfo(link).absolutePath());
    const QString rel = QDir(QFileInfo(link).absolutePath()).relativeFilePath(blob);
    QFile::remove(link);
    return QFile::link(rel, link);
}

inline bool set_ref(const QString& repo_dir, const QString& rev) {
    return write_file(repo_dir + "/refs/main", rev.toUtf8());
}

// <hub>/models--tencent--HY-Motion-1.0 (refs/main = rev-new holding HY-Motion-1.0/, a stale
// rev-old holding only the Lite), models--Qwen--Qwen3-8B and
// models--openai--clip-vit-large-patch14.
inline bool make_hf_cache(const QString& hub) {
    const QString hy = hub + "/models--tencent--HY-Motion-1.0";
    bool ok = add_hf_file(hy, "rev-new", "HY-Motion-1.0/config.yml",
                          read_fixture("hy_motion_1_0_config.yml")) &&
              add_hf_file(hy, "rev-new", "HY-Motion-1.0/latest.ckpt", QByteArray(4096, 'w')) &&
              add_hf_file(hy, "rev-old", "HY-Motion-1.0-Lite/config.yml",
                          read_fixture("hy_motion_1_0_lite_config.yml")) &&
              add_hf_file(hy, "rev-old", "HY-Motion-1.0-Lite/latest.ckpt", QByteArray(2048, 'l')) &&
              set_ref(hy, "rev-new");
    const QString qwen = hub + "/models--Qwen--Qwen3-8B";
    for (const char* f :
         {"config.json", "model.safetensors.index.json", "merges.txt", "vocab.json"})
        ok = ok && add_hf_file(qwen, "q1", f, QByteArray("{}") + f);
    ok = ok && set_ref(qwen, "q1");
    const QString clip = hub + "/models--openai--clip-vit-large-patch14";
    for (const char* f : {"config.json", "merges.txt", "vocab.json", "model.safetensors"})
        ok = ok && add_hf_file(clip, "c1", f, QByteArray("{}") + f);
    return ok && set_ref(clip, "c1");
}

// A HY-Motion folder (config.yml fixture + a small latest.ckpt).
inline bool make_hymotion_folder(const QString& folder, bool lite) {
    return write_file(folder + "/config.yml", read_fixture(lite ? "hy_motion_1_0_lite_config.yml"
                                                                : "hy_motion_1_0_config.yml")) &&
           write_file(folder + "/latest.ckpt", QByteArray(1024, 'c'));
}

}  // namespace fake_models
