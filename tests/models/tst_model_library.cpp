// The GUI facade of the model manager (app/gui/model_library): the catalog with sizes, licences
// and found copies (fake HF cache in HF_HOME), added folders shared with the CLI's JSON file, the
// kinema-tiny action list, and a download refused in offline mode with a typed message.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/gui/model_library.h"
#include "core/models/user_model_folders.h"
#include "tests/models/fake_model_tree.h"

class TstModelLibrary : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString dir(const QString& sub) const { return tmp_.path() + "/" + sub; }

    static QVariantMap entry(const ModelLibrary& lib, const QString& id) {
        for (const QVariant& v : lib.catalog())
            if (v.toMap().value("id").toString() == id) return v.toMap();
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        qputenv("HOME", dir("home").toUtf8());
        qputenv("XDG_DATA_HOME", dir("data").toUtf8());
        qputenv("XDG_CONFIG_HOME", dir("config").toUtf8());
        qputenv("HF_HOME", dir("hf").toUtf8());
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("KINEMA_MODEL_PATH");
        qunsetenv("COMFYUI_PATH");
        QCoreApplication::setOrganizationName("kinema-test");
        QCoreApplication::setApplicationName("tst_model_library");
        QVERIFY(fake_models::make_hf_cache(dir("hf/hub")));
        QVERIFY(fake_models::make_hymotion_folder(dir("proj/HY-Motion-1.0-Lite"), true));
    }

    void catalogShowsSizeLicenceAndCopies() {
        ModelLibrary lib;
        QCOMPARE(lib.catalog().size(), 4);
        const QVariantMap full = entry(lib, "hy-motion-1.0");
        QCOMPARE(full.value("sizeText").toString(), QString("4.2 GB"));
        QVERIFY(full.value("licence").toString().contains("HY-Motion"));
        QVERIFY(!full.value("licenceNote").toString().isEmpty());
        const QVariantList locs = full.value("locations").toList();
        QCOMPARE(locs.size(), 1);
        QCOMPARE(locs[0].toMap().value("origin").toString(), QString("hf-cache"));
        QCOMPARE(locs[0].toMap().value("complete").toBool(), false);
        QVERIFY(entry(lib, "hy-motion-1.0-lite").value("locations").toList().isEmpty());
    }

    void addedFoldersAreSharedWithTheCli() {
        ModelLibrary lib;
        QSignalSpy folders(&lib, &ModelLibrary::foldersChanged);
        QVERIFY(lib.addFolder(QUrl::fromLocalFile(dir("proj")).toString()));
        QVERIFY(!lib.addFolder(dir("proj")));
        QCOMPARE(folders.count(), 1);
        const auto saved = kinema::load_user_model_folders(kinema::user_model_folders_file());
        QCOMPARE(saved.size(), size_t(1));
        QCOMPARE(QString::fromStdString(saved[0].string()), dir("proj"));
        const QVariantList locs = entry(lib, "hy-motion-1.0-lite").value("locations").toList();
        QCOMPARE(locs.size(), 1);
        QCOMPARE(locs[0].toMap().value("origin").toString(), QString("user"));
        ModelLibrary again;  // a new session reads the file
        QCOMPARE(again.extraFolders(), QStringList{dir("proj")});
    }

    void knownActionsForKinemaTiny() {
        ModelLibrary lib;
        lib.setModels({QVariantMap{{"id", "kinema-tiny"},
                                   {"knownActions", QStringList{"walk_forward", "jump"}}},
                       QVariantMap{{"id", "hy-motion-1.0"}}});
        QCOMPARE(lib.knownActions("kinema-tiny"), QStringList({"walk_forward", "jump"}));
        QVERIFY(lib.knownActions("hy-motion-1.0").isEmpty());
    }

    void offlineDownloadReportsATypedError() {
        qputenv("HF_HUB_OFFLINE", "1");
        ModelLibrary lib;
        QSignalSpy changed(&lib, &ModelLibrary::downloadChanged);
        QVERIFY(!lib.startDownload("hy-motion-1.0-lite"));
        QTRY_VERIFY_WITH_TIMEOUT(lib.downloadError().startsWith("offline"), 30000);
        QVERIFY(lib.downloadId().isEmpty());
        QVERIFY(!lib.startDownload("no-such-model"));
        qunsetenv("HF_HUB_OFFLINE");
    }
};

QTEST_GUILESS_MAIN(TstModelLibrary)
#include "tst_model_library.moc"
