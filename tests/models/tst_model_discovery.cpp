// Model manager, core side: SHA-256, the catalog, user folders, discovery of a fake Hugging Face
// cache / official ckpts / ComfyUI layout (HF_HOME, XDG_*, HOME, COMFYUI_PATH pointed at a temp
// dir), the ModelRegistry hook, and verification against HF blob hashes.
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "core/engine/model_registry.h"
#include "core/models/model_catalog.h"
#include "core/models/model_discovery.h"
#include "core/models/model_verifier.h"
#include "core/models/sha256.h"
#include "core/models/user_model_folders.h"
#include "tests/models/fake_model_tree.h"

using namespace kinema;
namespace fs = std::filesystem;

class TstModelDiscovery : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString dir(const QString& sub) const { return tmp_.path() + "/" + sub; }

    const ModelLocation* find(const std::vector<ModelLocation>& all, const std::string& id,
                              const std::string& origin) {
        auto it = std::find_if(all.begin(), all.end(), [&](const ModelLocation& l) {
            return l.catalog_id == id && l.origin == origin;
        });
        return it == all.end() ? nullptr : &*it;
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
        qputenv("COMFYUI_PATH", dir("ComfyUI").toUtf8());
        QVERIFY(fake_models::make_hf_cache(dir("hf/hub")));
        QVERIFY(
            fake_models::make_hymotion_folder(dir("proj/ckpts/tencent/HY-Motion-1.0-Lite"), true));
        QVERIFY(fake_models::make_hymotion_folder(
            dir("ComfyUI/models/HY-Motion/ckpts/tencent/HY-Motion-1.0"), false));
    }

    void sha256KnownAnswers() {
        Sha256 empty;
        QCOMPARE(empty.finish_hex(),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Sha256 abc;
        abc.update("abc");
        QCOMPARE(abc.finish_hex(),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        // 56 bytes: the padding needs a second block.
        const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        Sha256 split;
        for (char c : two)
            split.update(&c, 1);
        QCOMPARE(split.finish_hex(),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        // A file across the 4 MiB chunk boundary equals Qt's hash.
        QByteArray big(5 * 1024 * 1024 + 17, '\0');
        for (int i = 0; i < big.size(); ++i)
            big[i] = char((i * 131) >> 3);
        QVERIFY(fake_models::write_file(dir("big.bin"), big));
        auto h = sha256_file(dir("big.bin").toStdString());
        QVERIFY(h.ok());
        QCOMPARE(QByteArray::fromStdString(*h), fake_models::sha256_hex(big));
        QVERIFY(!sha256_file(dir("absent.bin").toStdString()).ok());
    }

    void catalogHasTheFourModels() {
        const auto all = model_catalog();
        QCOMPARE(all.size(), size_t(4));
        for (const auto& e : all) {
            QVERIFY2(e.total_bytes() > 1'000'000'000ull, e.id.c_str());
            QVERIFY(!e.licence.empty() && !e.licence_url.empty() && !e.files.empty());
        }
        auto lite = find_catalog_entry("hy-motion-1.0-lite");
        QVERIFY(lite);
        QCOMPARE(hub_file_url("https://hf-mirror.example/", *lite, lite->files[1]),
                 std::string("https://hf-mirror.example/tencent/HY-Motion-1.0/resolve/main/"
                             "HY-Motion-1.0-Lite/latest.ckpt"));
        qputenv("HF_ENDPOINT", "http://127.0.0.1:9/");
        QCOMPARE(hub_endpoint(), std::string("http://127.0.0.1:9"));
        qunsetenv("HF_ENDPOINT");
        QCOMPARE(hub_endpoint(), std::string("https://huggingface.co"));
    }

    void userFoldersRoundTrip() {
        const fs::path file = user_model_folders_file();
        QCOMPARE(QString::fromStdString(file.string()), dir("config/kinema/model-folders.json"));
        auto added = add_user_model_folder(file, dir("proj").toStdString());
        QVERIFY(added.ok() && *added);
        auto again = add_user_model_folder(file, (dir("proj") + "/").toStdString());
        QVERIFY(again.ok() && !*again);
        QVERIFY(!add_user_model_folder(file, dir("nope").toStdString()).ok());
        QCOMPARE(load_user_model_folders(file).size(), size_t(1));
        QVERIFY(fake_models::write_file(dir("x/keep"), "x"));
        QVERIFY(*add_user_model_folder(file, dir("x").toStdString()));
        QVERIFY(*remove_user_model_folder(file, dir("x").toStdString()));
        QCOMPARE(load_user_model_folders(file).size(), size_t(1));
    }

    void discoversHfCacheOfficialAndComfyUi() {
        const auto all = discover_models({});
        const ModelLocation* hy = find(all, "hy-motion-1.0", "hf-cache");
        QVERIFY(hy);
        QCOMPARE(hy->layout, std::string("hf-cache"));
        QCOMPARE(hy->hf_repo, std::string("tencent/HY-Motion-1.0"));
        QCOMPARE(hy->hf_revision, std::string("rev-new"));  // refs/main, not the stale snapshot
        QVERIFY(!find(all, "hy-motion-1.0-lite", "hf-cache"));
        QVERIFY(find(all, "qwen3-8b", "hf-cache"));
        QVERIFY(find(all, "clip-vit-l-14", "hf-cache"));
        const ModelLocation* lite = find(all, "hy-motion-1.0-lite", "user");
        QVERIFY(lite);
        QCOMPARE(lite->layout, std::string("official-ckpts"));
        const ModelLocation* comfy = find(all, "hy-motion-1.0", "comfyui");
        QVERIFY(comfy);
        QCOMPARE(comfy->layout, std::string("comfyui"));
    }

    void registryListsDiscoveredModels() {
        ModelRegistry registry({}, {});
        const auto models = registry.list();
        auto by_id = [&](const std::string& id) {
            return std::find_if(models.begin(), models.end(),
                                [&](const ModelInfo& m) { return m.id == id; });
        };
        QVERIFY(by_id("kinema-tiny") != models.end());
        auto full = by_id("hy-motion-1.0");
        QVERIFY(full != models.end());
        QVERIFY(full->available);
        // The hub cache comes before ComfyUI in priority; its text encoders are attached.
        QVERIFY(QString::fromStdString(full->folder.string())
                    .contains("models--tencent--HY-Motion-1.0"));
        QVERIFY(QString::fromStdString(full->qwen_dir.string()).contains("Qwen3-8B"));
        QVERIFY(QString::fromStdString(full->clip_dir.string()).contains("clip-vit-large-patch14"));
        QVERIFY(by_id("hy-motion-1.0-lite") != models.end());  // from the user's ckpts/ folder
    }

    void verifyAgainstHfBlobHashes() {
        const auto all = discover_models({});
        const ModelLocation* hy = find(all, "hy-motion-1.0", "hf-cache");
        QVERIFY(hy);
        // The real catalog entry: a 4 KB latest.ckpt is not the 4.2 GB checkpoint.
        auto real = verify_model_folder(*find_catalog_entry("hy-motion-1.0"), hy->folder, {});
        QVERIFY(real.ok());
        QVERIFY(!real->complete);
        QCOMPARE(real->files[1].status, std::string("size-mismatch"));
        // Same files, sizes unknown: the hashes are checked against blobs/<sha256>.
        CatalogEntry entry = *find_catalog_entry("hy-motion-1.0");
        for (auto& f : entry.files)
            f.size_bytes = 0;
        auto ok = verify_model_folder(entry, hy->folder, {});
        QVERIFY(ok.ok());
        QVERIFY(ok->complete);
        QCOMPARE(ok->files[1].status, std::string("ok"));
        QCOMPARE(ok->files[1].expected_from, std::string("hf-blob"));
        // Corrupt the blob behind latest.ckpt: hash mismatch.
        const QString target =
            QFileInfo(QString::fromStdString((hy->folder / "latest.ckpt").string()))
                .symLinkTarget();
        QVERIFY(fake_models::write_file(target, QByteArray(4096, 'X')));
        auto bad = verify_model_folder(entry, hy->folder, {});
        QVERIFY(bad.ok());
        QVERIFY(!bad->complete);
        QCOMPARE(bad->files[1].status, std::string("hash-mismatch"));
        // Cancel through the progress callback.
        VerifyOptions cancel;
        cancel.on_progress = [](uint64_t, uint64_t) { return false; };
        auto cancelled = verify_model_folder(entry, hy->folder, cancel);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().kind, ErrorKind::Cancelled);
        QVERIFY(fake_models::write_file(target, QByteArray(4096, 'w')));  // restore
    }
};

QTEST_GUILESS_MAIN(TstModelDiscovery)
#include "tst_model_discovery.moc"
