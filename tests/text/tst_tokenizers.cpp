#include "tests/text/tst_tokenizers.h"

#include <QtTest>

#include "tests/text/text_vectors.h"

using namespace kinema;
using namespace kinema::test;

void TstTokenizers::initTestCase() {
    auto qwen = text::QwenTokenizer::load(text_fixture("qwen"));
    QVERIFY2(qwen.ok(), qwen.ok() ? "" : qwen.error().describe().c_str());
    qwen_ = std::move(*qwen);
    QCOMPARE(qwen_->vocab_size(), size_t{151669});
    QCOMPARE(qwen_->merge_count(), size_t{151387});

    auto clip = text::ClipTokenizer::load(text_fixture("clip"));
    QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().describe().c_str());
    clip_ = std::move(*clip);
    QCOMPARE(clip_->vocab_size(), size_t{49408});
    QCOMPARE(clip_->merge_count(), size_t{48894});
}

QTEST_GUILESS_MAIN(TstTokenizers)
