// kinema-tiny's text side: vocabulary, encoder shapes and padding invariance, the conditioner.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QtTest/QtTest>

#include "core/tiny/tiny_text_conditioner.h"
#include "core/tiny/tiny_text_encoder.h"
#include "core/tiny/tiny_vocab.h"

using namespace kinema;

class TstTinyText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void vocabEncodesWordsAndUnknowns();
    void vocabRejectsBadFiles();
    void encoderIgnoresPadding();
    void conditionerGivesTextFeatures();
};

void TstTinyText::vocabEncodesWordsAndUnknowns() {
    auto v = TinyVocab::from_words({"<pad>", "<unk>", "a", "person", "walks", "forward"});
    QVERIFY(v.ok());
    QCOMPARE(v->encode("A person, walks FORWARD!", 32), (std::vector<int64_t>{2, 3, 4, 5}));
    QCOMPARE(v->encode("a dog walks", 32), (std::vector<int64_t>{2, TinyVocab::kUnk, 4}));
    QCOMPARE(v->encode("a person walks forward", 2), (std::vector<int64_t>{2, 3}));
    QCOMPARE(v->encode("  ...  ", 32), (std::vector<int64_t>{TinyVocab::kUnk}));
    const QString path = QDir::temp().filePath("kinema_tst_vocab.txt");
    QVERIFY(v->save(path.toStdString()).ok());
    auto back = TinyVocab::load(path.toStdString());
    QVERIFY(back.ok());
    QCOMPARE(back->words(), v->words());
    QFile::remove(path);
}

void TstTinyText::vocabRejectsBadFiles() {
    QVERIFY(!TinyVocab::from_words({"a", "b"}).ok());
    QVERIFY(!TinyVocab::from_words({"<pad>", "<unk>", "x", "x"}).ok());
    QCOMPARE(TinyVocab::load("/nonexistent/vocab.txt").error().kind, ErrorKind::Io);
}

void TstTinyText::encoderIgnoresPadding() {
    auto enc = TinyTextEncoder::create({20, 32, 4, 2, 16, 2.0});
    QVERIFY(enc.ok());
    (*enc)->init_random_weights(5, {});
    c10::InferenceMode guard;
    const at::Tensor ids =
        at::tensor(std::vector<int64_t>{3, 7, 9, 0, 0, 4, 5, 6, 7, 8}, at::kLong).view({2, 5});
    const at::Tensor valid = ids != 0;
    auto batch = (*enc)->forward(ids, valid);
    QCOMPARE(batch.ctxt.sizes(), (at::IntArrayRef{2, 5, 32}));
    QCOMPARE(batch.vtxt.sizes(), (at::IntArrayRef{2, 1, 32}));
    auto alone =
        (*enc)->forward(ids.slice(0, 0, 1).slice(1, 0, 3), valid.slice(0, 0, 1).slice(1, 0, 3));
    QVERIFY(at::allclose(alone.ctxt, batch.ctxt.slice(0, 0, 1).slice(1, 0, 3), 1e-5, 1e-5));
    QVERIFY(at::allclose(alone.vtxt, batch.vtxt.slice(0, 0, 1), 1e-5, 1e-5));
    // Different words give different features.
    QVERIFY(!at::allclose(batch.vtxt[0], batch.vtxt[1]));
    QVERIFY(!TinyTextEncoder::create({20, 30, 4, 2, 16, 2.0}).ok());  // width % heads
}

void TstTinyText::conditionerGivesTextFeatures() {
    auto enc = TinyTextEncoder::create({6, 16, 2, 1, 8, 2.0});
    QVERIFY(enc.ok());
    (*enc)->init_random_weights(1, {});
    auto vocab = TinyVocab::from_words({"<pad>", "<unk>", "a", "person", "walks", "forward"});
    QVERIFY(vocab.ok());
    TinyTextConditioner cond(std::shared_ptr<const TinyTextEncoder>(std::move(*enc)),
                             std::make_shared<const TinyVocab>(*vocab), "key");
    auto f = cond.encode("a person walks forward and then waves a lot", nullptr);
    QVERIFY(f.ok());
    QCOMPARE(f->ctxt.sizes(), (at::IntArrayRef{1, 8, 16}));  // truncated to max_tokens
    QCOMPARE(f->vtxt.sizes(), (at::IntArrayRef{1, 1, 16}));
    QCOMPARE(f->ctxt_length.item<int64_t>(), int64_t(8));
    QVERIFY(cond.resident_bytes() > 0);
    QCOMPARE(cond.cache_key(), std::string("key"));
    std::atomic<bool> cancel{true};
    QCOMPARE(cond.encode("a person", &cancel).error().kind, ErrorKind::Cancelled);
}

QTEST_GUILESS_MAIN(TstTinyText)
#include "tst_tiny_text.moc"
