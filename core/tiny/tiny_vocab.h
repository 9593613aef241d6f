// kinema-tiny's word vocabulary: lower-cased words of letters and digits (everything else
// separates words); id 0 is <pad>, id 1 is <unk> (any word not in the vocabulary). The file
// vocab.txt holds one word per line, the line index being the id. With WordForm::Stem every
// word is stemmed (word_stemmer.h) before lookup and the file holds stems; Raw is the form of
// models written before stemming existed. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace kinema {

class TinyVocab {
public:
    static constexpr int64_t kPad = 0;
    static constexpr int64_t kUnk = 1;
    enum class WordForm { Raw, Stem };

    // "raw" | "stem" as written in kinema-model.json; anything else is BadModelFile.
    static Result<WordForm> parse_word_form(const std::string& name);
    static const char* word_form_name(WordForm form);

    // words[0] must be "<pad>" and words[1] "<unk>"; duplicates are BadModelFile.
    static Result<TinyVocab> from_words(std::vector<std::string> words,
                                        WordForm form = WordForm::Raw);
    static Result<TinyVocab> load(const std::filesystem::path& vocab_txt,
                                  WordForm form = WordForm::Raw);
    Status save(const std::filesystem::path& vocab_txt) const;  // temp file + rename

    static std::vector<std::string> split_words(const std::string& text);
    // The vocabulary entries of `text`'s words: split_words, then stemmed for WordForm::Stem.
    std::vector<std::string> entries(const std::string& text) const;
    static std::vector<std::string> entries(const std::string& text, WordForm form);

    // Ids of the words of `text`, at most max_tokens (the rest is dropped); at least one id
    // (an empty text encodes as a single <unk>).
    std::vector<int64_t> encode(const std::string& text, size_t max_tokens) const;
    int64_t id(const std::string& word) const;
    size_t size() const { return words_.size(); }
    const std::vector<std::string>& words() const { return words_; }
    WordForm word_form() const { return form_; }

private:
    std::vector<std::string> words_;
    WordForm form_ = WordForm::Raw;
    std::unordered_map<std::string, int64_t> ids_;
};

}  // namespace kinema
