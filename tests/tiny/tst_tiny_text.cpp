// kinema-tiny's text side: vocabulary, encoder shapes and padding invariance, the conditioner.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QtTest/QtTest>

#include "core/tiny/tiny_text_conditioner.h"
#include "core/tiny/tiny_text_encoder.h"
#include "core/tiny/tiny_vocab.h"
#include "core/tiny/word_stemmer.h"

using namespace kinema;

class TstTinyText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void vocabEncodesWordsAndUnknowns();
    void vocabRejectsBadFiles();
    void stemmerJoinsWordForms();
    void stemmedVocabSharesEntries();
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

void TstTinyText::stemmerJoinsWordForms() {
    // Every form of a word stems to the same entry; short words and irregular verbs as listed.
    const std::vector<std::pair<const char*, const char*>> same = {
        {"walks", "walk"},
        {"walking", "walk"},
        {"walked", "walk"},
        {"waves", "wave"},
        {"waving", "wave"},
        {"waved", "wave"},
        {"sits", "sit"},
        {"sitting", "sit"},
        {"sat", "sit"},
        {"hopping", "hop"},
        {"hops", "hop"},
        {"running", "run"},
        {"ran", "run"},
        {"arms", "arm"},
        {"crouches", "crouch"},
        {"crouching", "crouch"},
        {"squatting", "squat"},
        {"spins", "spin"},
        {"spinning", "spin"},
        {"spun", "spin"},
        {"claps", "clap"},
        {"clapping", "clap"},
        {"raises", "raise"},
        {"raising", "raise"},
        {"backwards", "backward"},
        {"jacks", "jack"},
        {"knees", "knee"},
        {"dancing", "dance"},
        {"stood", "stand"},
        {"feet", "foot"},
    };
    for (const auto& [a, b] : same)
        QVERIFY2(
            stem_word(a) == stem_word(b),
            (std::string(a) + " -> " + stem_word(a) + ", " + b + " -> " + stem_word(b)).c_str());
    QCOMPARE(stem_word("is"), std::string("is"));
    QCOMPARE(stem_word("his"), std::string("his"));
    QCOMPARE(stem_word("walks"), std::string("walk"));
    QCOMPARE(stem_word("hopping"), std::string("hop"));
    QVERIFY(stem_word("walk") != stem_word("wave"));
    QVERIFY(stem_word("left") != stem_word("lift"));
}

void TstTinyText::stemmedVocabSharesEntries() {
    auto v = TinyVocab::from_words({"<pad>", "<unk>", "a", "person", "walk", "forward"},
                                   TinyVocab::WordForm::Stem);
    QVERIFY(v.ok());
    QCOMPARE(v->encode("A person walking forwards", 32), (std::vector<int64_t>{2, 3, 4, 5}));
    QCOMPARE(v->encode("people walked", 32), (std::vector<int64_t>{TinyVocab::kUnk, 4}));
    // The same file read as raw words does not stem (models written before stemming).
    auto raw = TinyVocab::from_words({"<pad>", "<unk>", "a", "person", "walk", "forward"});
    QCOMPARE(raw->encode("a person walking", 32), (std::vector<int64_t>{2, 3, TinyVocab::kUnk}));
    QCOMPARE(*TinyVocab::parse_word_form("stem"), TinyVocab::WordForm::Stem);
    QCOMPARE(*TinyVocab::parse_word_form("raw"), TinyVocab::WordForm::Raw);
    QCOMPARE(TinyVocab::parse_word_form("lemma").error().kind, ErrorKind::BadModelFile);
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
