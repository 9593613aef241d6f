#include "app/gui/model_library.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUrl>
#include <QVariantMap>

#include "app/models/model_downloader.h"
#include "core/model/mmdit_config.h"
#include "core/models/model_catalog.h"
#include "core/models/model_discovery.h"
#include "core/models/model_verifier.h"
#include "core/models/user_model_folders.h"

namespace {

QStringList saved_folders() {
    QStringList out;
    for (const auto& f : kinema::load_user_model_folders(kinema::user_model_folders_file()))
        out << QString::fromStdString(f.string());
    return out;
}

}  // namespace

ModelLibrary::ModelLibrary(QObject* parent) : QObject(parent) {
    extra_folders_ = saved_folders();
    const QStringList legacy =
        QSettings().value(QStringLiteral("models/extra_folders")).toStringList();
    bool migrated = false;
    for (const QString& f : legacy)
        if (!extra_folders_.contains(f) && QFileInfo(f).isDir()) {
            extra_folders_ << f;
            migrated = true;
        }
    if (migrated) saveFolders();
    refreshCatalog();
}

ModelLibrary::~ModelLibrary() = default;

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

QString ModelLibrary::sizeText(double bytes) {
    if (bytes < 1e9) return tr("%1 MB").arg(bytes / 1e6, 0, 'f', 0);
    return tr("%1 GB").arg(bytes / 1e9, 0, 'f', 1);
}

QString ModelLibrary::costText(const QString& id) const {
    const int i = indexOf(id);
    if (i < 0) return tr("no model selected");
    const QVariantMap m = models_[i].toMap();
    if (!m.value("available").toBool())
        return tr("unavailable: %1").arg(m.value("reason").toString());
    const double bytes = m.value("weightBytes").toDouble();
    if (bytes <= 0) return tr("built in, no weights to load");
    return tr("%1 of weights").arg(sizeText(bytes));
}

QStringList ModelLibrary::knownActions(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? QStringList() : models_[i].toMap().value("knownActions").toStringList();
}

double ModelLibrary::recommendedCfg(const QString& id) const {
    const int i = indexOf(id);
    return i < 0 ? kinema::kOfficialCfgScale
                 : models_[i].toMap().value("recommendedCfg", kinema::kOfficialCfgScale).toDouble();
}

void ModelLibrary::saveFolders() {
    std::vector<std::filesystem::path> folders;
    for (const QString& f : extra_folders_)
        folders.emplace_back(f.toStdString());
    (void)kinema::save_user_model_folders(kinema::user_model_folders_file(), folders);
    QSettings().setValue(QStringLiteral("models/extra_folders"), extra_folders_);
}

bool ModelLibrary::addFolder(const QString& path_or_url) {
    QString path = path_or_url.trimmed();
    if (path.startsWith(QStringLiteral("file:"))) path = QUrl(path).toLocalFile();
    path = QDir::cleanPath(QDir::fromNativeSeparators(path));
    if (path.isEmpty() || !QFileInfo(path).isDir() || extra_folders_.contains(path)) return false;
    extra_folders_ << path;
    saveFolders();
    Q_EMIT foldersChanged();
    refreshCatalog();
    return true;
}

void ModelLibrary::removeFolder(const QString& path) {
    if (!extra_folders_.removeAll(path)) return;
    saveFolders();
    Q_EMIT foldersChanged();
    refreshCatalog();
}

void ModelLibrary::refreshCatalog() {
    kinema::DiscoveryOptions options;
    for (const QString& f : extra_folders_)
        options.user_folders.emplace_back(f.toStdString());
    const auto locations = kinema::discover_models(options);
    QVariantList catalog;
    for (const auto& e : kinema::model_catalog()) {
        QVariantList locs;
        bool complete = false;
        for (const auto& loc : locations) {
            if (loc.catalog_id != e.id) continue;
            kinema::VerifyOptions quick;
            quick.hash = false;
            const auto r = kinema::verify_model_folder(e, loc.folder, quick);
            const bool ok = r.ok() && r->complete;
            complete = complete || ok;
            locs << QVariantMap{{"folder", QString::fromStdString(loc.folder.string())},
                                {"origin", QString::fromStdString(loc.origin)},
                                {"layout", QString::fromStdString(loc.layout)},
                                {"complete", ok}};
        }
        catalog << QVariantMap{{"id", QString::fromStdString(e.id)},
                               {"name", QString::fromStdString(e.display_name)},
                               {"role", QString::fromStdString(e.role)},
                               {"sizeBytes", double(e.total_bytes())},
                               {"sizeText", sizeText(double(e.total_bytes()))},
                               {"licence", QString::fromStdString(e.licence)},
                               {"licenceUrl", QString::fromStdString(e.licence_url)},
                               {"licenceNote", QString::fromStdString(e.licence_note)},
                               {"complete", complete},
                               {"downloadFolder", ModelDownloader::defaultFolder(e)},
                               {"locations", locs}};
    }
    catalog_ = catalog;
    Q_EMIT catalogChanged();
}

bool ModelLibrary::startDownload(const QString& id) {
    if (downloader_ && downloader_->running()) return false;
    const auto entry = kinema::find_catalog_entry(id.toStdString());
    if (!entry) return false;
    if (!downloader_) {
        downloader_ = new ModelDownloader(this);
        connect(
            downloader_, &ModelDownloader::progress, this,
            [this](qint64 done, qint64 total, double speed, double eta, const QString& file) {
                download_fraction_ = total > 0 ? double(done) / double(total) : 0;
                download_text_ =
                    tr("%1: %2 of %3, %4/s%5")
                        .arg(file, sizeText(double(done)), sizeText(double(total)), sizeText(speed),
                             eta >= 0 ? tr(", %1 min left").arg(eta / 60, 0, 'f', 1) : QString());
                Q_EMIT downloadChanged();
            });
        connect(downloader_, &ModelDownloader::finished, this, &ModelLibrary::onDownloadFinished);
    }
    download_id_ = id;
    download_error_.clear();
    download_fraction_ = 0;
    download_text_ = tr("starting…");
    Q_EMIT downloadChanged();
    return downloader_->start(*entry, ModelDownloader::defaultFolder(*entry));
}

void ModelLibrary::cancelDownload() {
    if (downloader_) downloader_->cancel();
}

void ModelLibrary::onDownloadFinished(const DownloadError& error) {
    download_error_ =
        error.ok() ? QString() : tr("%1: %2").arg(downloadErrorName(error.kind), error.message);
    download_text_ = error.ok() ? tr("done") : QString();
    download_id_.clear();
    Q_EMIT downloadChanged();
    refreshCatalog();
    if (error.ok()) Q_EMIT foldersChanged();  // the owner rescans: the new model is generatable
}
