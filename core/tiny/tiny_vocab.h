// kinema-tiny's word vocabulary: lower-cased words of letters and digits (everything else
// separates words); id 0 is <pad>, id 1 is <unk> (any word not in the vocabulary). The file
// vocab.txt holds one word per line, the line index being the id. Immutable; thread-safe.
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

    // words[0] must be "<pad>" and words[1] "<unk>"; duplicates are BadModelFile.
    static Result<TinyVocab> from_words(std::vector<std::string> words);
    static Result<TinyVocab> load(const std::filesystem::path& vocab_txt);
    Status save(const std::filesystem::path& vocab_txt) const;  // temp file + rename

    static std::vector<std::string> split_words(const std::string& text);

    // Ids of the words of `text`, at most max_tokens (the rest is dropped); at least one id
    // (an empty text encodes as a single <unk>).
    std::vector<int64_t> encode(const std::string& text, size_t max_tokens) const;
    int64_t id(const std::string& word) const;
    size_t size() const { return words_.size(); }
    const std::vector<std::string>& words() const { return words_; }

private:
    std::vector<std::string> words_;
    std::unordered_map<std::string, int64_t> ids_;
};

}  // namespace kinema
