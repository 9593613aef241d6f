// `kinema-cli models list|verify|download|add-folder --json` on a fake Hugging Face cache
// (HF_HOME, XDG_*, HOME pointed at a temp dir): the cache is listed with its origin and revision,
// added folders are remembered, offline download fails with a typed error.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "tests/models/fake_model_tree.h"

class TstCliModels : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString dir(const QString& sub) const { return tmp_.path() + "/" + sub; }

    QJsonObject run(const QStringList& args, int expected_exit = 0) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", dir("home"));
        env.insert("XDG_DATA_HOME", dir("data"));
        env.insert("XDG_CONFIG_HOME", dir("config"));
        env.insert("HF_HOME", dir("hf"));
        env.remove("HF_HUB_CACHE");
        env.remove("KINEMA_MODEL_PATH");
        env.remove("COMFYUI_PATH");
        env.remove("HF_ENDPOINT");
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(KINEMA_BINARY_DIR "/app/cli/kinema-cli"), args);
        if (!p.waitForFinished(120000)) return {};
        const QByteArray out = p.readAllStandardOutput();
        if (p.exitCode() != expected_exit)
            qWarning() << "exit" << p.exitCode() << out << p.readAllStandardError();
        [&] { QCOMPARE(p.exitCode(), expected_exit); }();
        return QJsonDocument::fromJson(out).object();
    }

    static QJsonObject entry(const QJsonObject& list, const QString& id) {
        for (const auto& e : list["catalog"].toArray())
            if (e.toObject()["id"].toString() == id) return e.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY(fake_models::make_hf_cache(dir("hf/hub")));
        QVERIFY(
            fake_models::make_hymotion_folder(dir("proj/ckpts/tencent/HY-Motion-1.0-Lite"), true));
    }

    void listFindsTheHfCache() {
        const QJsonObject list = run({"models", "list", "--json"});
        QCOMPARE(list["catalog"].toArray().size(), 4);
        const QJsonObject full = entry(list, "hy-motion-1.0");
        QVERIFY(full["size_bytes"].toDouble() > 4e9);
        QVERIFY(full["licence"].toString().contains("HY-Motion"));
        const QJsonArray locs = full["locations"].toArray();
        QCOMPARE(locs.size(), 1);
        const QJsonObject loc = locs[0].toObject();
        QCOMPARE(loc["origin"].toString(), QString("hf-cache"));
        QCOMPARE(loc["hf_revision"].toString(), QString("rev-new"));
        QCOMPARE(loc["complete"].toBool(), false);  // a 4 kB stand-in for a 4.2 GB checkpoint
        QCOMPARE(entry(list, "qwen3-8b")["locations"].toArray().size(), 1);
        QCOMPARE(entry(list, "clip-vit-l-14")["locations"].toArray().size(), 1);
        QCOMPARE(entry(list, "hy-motion-1.0-lite")["locations"].toArray().size(), 0);
    }

    void addFolderIsRemembered() {
        const QJsonObject added = run({"models", "add-folder", dir("proj"), "--json"});
        QCOMPARE(added["changed"].toBool(), true);
        const QJsonObject list = run({"models", "list", "--json"});
        const QJsonArray locs = entry(list, "hy-motion-1.0-lite")["locations"].toArray();
        QCOMPARE(locs.size(), 1);
        QCOMPARE(locs[0].toObject()["origin"].toString(), QString("user"));
        QCOMPARE(locs[0].toObject()["layout"].toString(), QString("official-ckpts"));
        run({"models", "add-folder", dir("missing"), "--json"}, 2);
    }

    void verifyReportsProblems() {
        const QJsonObject r = run({"models", "verify", "hy-motion-1.0", "--json"}, 1);
        QCOMPARE(r["ok"].toBool(), false);
        const QJsonArray files = r["locations"].toArray()[0].toObject()["files"].toArray();
        QCOMPARE(files[1].toObject()["status"].toString(), QString("size-mismatch"));
    }

    void offlineDownloadIsATypedError() {
        const QJsonObject r =
            run({"models", "download", "hy-motion-1.0-lite", "--offline", "--json"}, 3);
        QCOMPARE(r["ok"].toBool(), false);
        QCOMPARE(r["error"].toObject()["kind"].toString(), QString("offline"));
    }
};

QTEST_GUILESS_MAIN(TstCliModels)
#include "tst_cli_models.moc"
