// The model downloader (app/models) against a loopback HTTP/1.1 server this test starts: the
// Hugging Face URL scheme and redirect with X-Linked-Etag, a truncated transfer resumed with Range
// (by hand and automatically), corrupted bytes -> hash mismatch and no file, 404/500 -> typed HTTP
// errors, disk full (an injected free-space probe stands in for a small quota / tmpfs, both before
// starting and from the server's size), cancel keeps only the .part, offline mode.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "app/models/model_downloader.h"
#include "core/models/download_manifest.h"
#include "core/models/model_verifier.h"
#include "tests/models/fake_model_tree.h"
#include "tests/models/test_http_server.h"

using kinema::CatalogEntry;

namespace {

QByteArray payload(int n, int seed) {
    QByteArray b(n, '\0');
    uint32_t x = 2463534242u + uint32_t(seed);
    for (int i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = char(x & 0xff);
    }
    return b;
}

// A catalog entry like the real ones: repo "test/motion", files under "Variant/".
CatalogEntry test_entry(uint64_t weights_size = 0) {
    CatalogEntry e;
    e.id = "test-model";
    e.display_name = "Test model";
    e.kind = "hymotion";
    e.repo = "test/motion";
    e.subfolder = "Variant";
    e.local_name = "Variant";
    e.files = {{"config.yml", 0, false, ""}, {"latest.ckpt", weights_size, weights_size > 0, ""}};
    return e;
}

const QByteArray kConfigPath = "/test/motion/resolve/main/Variant/config.yml";
const QByteArray kWeightsPath = "/test/motion/resolve/main/Variant/latest.ckpt";
const QByteArray kBlobPath = "/cdn/blobs/weights";

}  // namespace

class TstModelDownloader : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    TestHttpServer server_;
    QByteArray config_ = "network_module_args: {}\n";
    QByteArray weights_ = payload(300000, 1);
    int case_ = 0;
    QString folder_;

    // Runs one download to the end; returns its error.
    DownloadError run(ModelDownloader& d, const CatalogEntry& e,
                      const std::function<void(qint64)>& on_progress = {}) {
        bool done = false;
        DownloadError result;
        QObject::connect(&d, &ModelDownloader::finished, this, [&](const DownloadError& err) {
            result = err;
            done = true;
        });
        QMetaObject::Connection c;
        if (on_progress)
            c = QObject::connect(
                &d, &ModelDownloader::progress, this,
                [&](qint64 bytes, qint64, double, double, const QString&) { on_progress(bytes); });
        d.setEndpoint(server_.endpoint());
        d.start(e, folder_);
        if (!QTest::qWaitFor([&] { return done; }, 60000)) result.message = "timed out";
        QObject::disconnect(c);
        d.disconnect(this);
        return result;
    }

    void serveNormally() {
        TestRoute config;
        config.body = config_;
        server_.setRoute(kConfigPath, config);
        TestRoute redirect;
        redirect.redirect_to = kBlobPath;
        redirect.linked_etag = "\"" + fake_models::sha256_hex(weights_) + "\"";
        redirect.linked_size = weights_.size();
        redirect.etag = "\"0123456789abcdef0123456789abcdef01234567\"";  // a git oid: not a sha256
        server_.setRoute(kWeightsPath, redirect);
        TestRoute blob;
        blob.body = weights_;
        blob.etag = "\"cdn-etag-not-a-hash\"";
        server_.setRoute(kBlobPath, blob);
        server_.clearLog();
    }
    QString file(const char* name) const { return folder_ + "/" + name; }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY(server_.listen());
        qunsetenv("HF_HUB_OFFLINE");
        qunsetenv("KINEMA_OFFLINE");
    }
    void init() {
        folder_ = tmp_.path() + QStringLiteral("/case%1").arg(++case_);
        serveNormally();
    }

    void downloadsThroughRedirectAndVerifies() {
        ModelDownloader d;
        qint64 last = 0;
        const DownloadError e = run(d, test_entry(), [&](qint64 b) { last = b; });
        QVERIFY2(e.ok(), qPrintable(e.message));
        QFile f(file("latest.ckpt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), weights_);
        QVERIFY(!QFile::exists(file("latest.ckpt.part")));
        QCOMPARE(last, qint64(config_.size() + weights_.size()));
        // The manifest records the server's hash; verify uses it.
        const auto manifest = kinema::read_download_manifest(folder_.toStdString());
        QCOMPARE(QByteArray::fromStdString(manifest.at("latest.ckpt").sha256),
                 fake_models::sha256_hex(weights_));
        auto report = kinema::verify_model_folder(test_entry(), folder_.toStdString());
        QVERIFY(report.ok() && report->complete);
        QCOMPARE(report->files[1].status, std::string("ok"));
        QCOMPARE(report->files[1].expected_from, std::string("manifest"));
        // A second start skips the complete files.
        server_.clearLog();
        QVERIFY(run(d, test_entry()).ok());
        QCOMPARE(server_.requests().size(), 0);
    }

    void truncatedTransferResumes() {
        server_.route(kBlobPath).truncate_after = 120000;
        server_.route(kBlobPath).truncate_times = 1;
        ModelDownloader first;
        first.setMaxRetries(0);
        const DownloadError e1 = run(first, test_entry());
        QCOMPARE(e1.kind, DownloadErrorKind::Network);
        QVERIFY(!QFile::exists(file("latest.ckpt")));
        QCOMPARE(QFileInfo(file("latest.ckpt.part")).size(), qint64(120000));
        server_.clearLog();
        ModelDownloader second;
        second.setMaxRetries(0);
        const DownloadError e2 = run(second, test_entry());
        QVERIFY2(e2.ok(), qPrintable(e2.message));
        bool ranged = false;
        for (const auto& r : server_.requests())
            if (r.path == kBlobPath) ranged = r.range == "bytes=120000-";
        QVERIFY(ranged);
        QFile f(file("latest.ckpt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(fake_models::sha256_hex(f.readAll()), fake_models::sha256_hex(weights_));
    }

    void truncatedTransferRetriesAutomatically() {
        server_.route(kBlobPath).truncate_after = 50000;
        server_.route(kBlobPath).truncate_times = 2;
        ModelDownloader d;
        d.setMaxRetries(2);
        const DownloadError e = run(d, test_entry());
        QVERIFY2(e.ok(), qPrintable(e.message));
        QStringList ranges;
        for (const auto& r : server_.requests())
            if (r.path == kWeightsPath) ranges << QString::fromLatin1(r.range);
        QCOMPARE(ranges, QStringList({"", "bytes=50000-", "bytes=100000-"}));
        QFile f(file("latest.ckpt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), weights_);
    }

    void corruptedBytesAreAHashMismatch() {
        server_.route(kBlobPath).corrupt = true;
        ModelDownloader d;
        const DownloadError e = run(d, test_entry());
        QCOMPARE(e.kind, DownloadErrorKind::HashMismatch);
        QVERIFY(!QFile::exists(file("latest.ckpt")));
        QVERIFY(!QFile::exists(file("latest.ckpt.part")));
    }

    void serverErrorsAreTyped_data() {
        QTest::addColumn<int>("status");
        QTest::newRow("404") << 404;
        QTest::newRow("500") << 500;
    }
    void serverErrorsAreTyped() {
        QFETCH(int, status);
        TestRoute r;
        r.status = status;
        server_.setRoute(kWeightsPath, r);
        ModelDownloader d;
        d.setMaxRetries(0);
        const DownloadError e = run(d, test_entry());
        QCOMPARE(e.kind, DownloadErrorKind::Http);
        QCOMPARE(e.http_status, status);
        QVERIFY(!QFile::exists(file("latest.ckpt")));
    }

    void diskFullBeforeStarting() {
        ModelDownloader d;
        d.setFreeSpaceProbe([](const QString&) { return qint64(100000); });  // a 100 kB quota
        const DownloadError e = run(d, test_entry(/*weights_size=*/weights_.size()));
        QCOMPARE(e.kind, DownloadErrorKind::DiskFull);
        QCOMPARE(server_.requests().size(), 0);
        QVERIFY(!QFile::exists(file("latest.ckpt.part")));
    }

    void diskFullFromServerSize() {
        // Sizes unknown in the catalog: the check uses X-Linked-Size before writing a byte.
        ModelDownloader d;
        d.setFreeSpaceProbe([](const QString&) { return qint64(100000); });
        const DownloadError e = run(d, test_entry());
        QCOMPARE(e.kind, DownloadErrorKind::DiskFull);
        QVERIFY(QFile::exists(file("config.yml")));  // the small file fitted
        QVERIFY(!QFile::exists(file("latest.ckpt")));
        QCOMPARE(QFileInfo(file("latest.ckpt.part")).size(), qint64(0));
    }

    void cancelKeepsOnlyThePart() {
        server_.route(kBlobPath).stall_after = 64000;
        ModelDownloader d;
        const DownloadError e = run(d, test_entry(), [&](qint64 bytes) {
            if (bytes > config_.size()) d.cancel();
        });
        QCOMPARE(e.kind, DownloadErrorKind::Cancelled);
        QVERIFY(!QFile::exists(file("latest.ckpt")));
        QVERIFY(QFileInfo(file("latest.ckpt.part")).size() > 0);
        QVERIFY(QFileInfo(file("latest.ckpt.part")).size() <= 64000);
    }

    void offlineModeFailsAtOnce() {
        ModelDownloader d;
        d.setOffline(true);
        const DownloadError e = run(d, test_entry());
        QCOMPARE(e.kind, DownloadErrorKind::Offline);
        QCOMPARE(server_.requests().size(), 0);
        qputenv("HF_HUB_OFFLINE", "1");
        ModelDownloader env;
        QVERIFY(env.offline());
        qunsetenv("HF_HUB_OFFLINE");
    }

    void endpointFromEnvironment() {
        qputenv("HF_ENDPOINT", server_.endpoint().toUtf8() + "/");
        ModelDownloader d;
        QCOMPARE(d.endpoint(), server_.endpoint());
        qunsetenv("HF_ENDPOINT");
        bool done = false;
        DownloadError result;
        connect(&d, &ModelDownloader::finished, this, [&](const DownloadError& err) {
            result = err;
            done = true;
        });
        d.start(test_entry(), folder_);
        QVERIFY(QTest::qWaitFor([&] { return done; }, 60000));
        QVERIFY2(result.ok(), qPrintable(result.message));
        QVERIFY(!server_.requests().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstModelDownloader)
#include "tst_model_downloader.moc"
