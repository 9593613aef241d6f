// Qt Test suite of core/text and `kinema-cli tokenize`. The slots are defined in tst_*.cpp by
// topic; the tokenizers under test are loaded once from tests/fixtures/text/ in initTestCase().
#pragma once

#include <QObject>

#include <optional>

#include "core/text/clip_tokenizer.h"
#include "core/text/qwen_tokenizer.h"

class TstTokenizers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    // tst_qwen_tokenizer.cpp
    void qwenLlamaCppVectors_data();
    void qwenLlamaCppVectors();
    void qwenTransformersJsVectors_data();
    void qwenTransformersJsVectors();
    void qwenTokenizerJson_data();
    void qwenTokenizerJson();
    void qwenAddedTokens();
    void qwenNormalisationAndInvalidUtf8();
    void qwenRegexSplit();
    void qwenConcurrentEncode();

    // tst_clip_tokenizer.cpp
    void clipFastVectors_data();
    void clipFastVectors();
    void clipSlowVectors_data();
    void clipSlowVectors();
    void clipSlowCleanMatchesPython_data();
    void clipSlowCleanMatchesPython();
    void clipOpenaiHelloWorld();
    void clipOpenaiGzMatchesHfFiles();
    void clipSpecialTokensInText();
    void clipTruncationAndPadding();

    // tst_hymotion_prompt.cpp
    void hymotionSystemPrompt();
    void hymotionCropStart();
    void hymotionDerivedVectors_data();
    void hymotionDerivedVectors();
    void hymotionPaddingMaskAndLength();
    void hymotionTruncation();

    // tst_tokenizer_files.cpp
    void malformedQwenFiles_data();
    void malformedQwenFiles();
    void malformedClipFiles_data();
    void malformedClipFiles();
    void malformedTokenizerJson_data();
    void malformedTokenizerJson();

    // tst_tokenize_cli.cpp
    void cliJsonlQwen();
    void cliJsonlClip();
    void cliTextJsonAndErrors();

private:
    std::optional<kinema::text::QwenTokenizer> qwen_;
    std::optional<kinema::text::ClipTokenizer> clip_;  // Flavor::HfSlow
};
