// Readers for BPE tokenizer files. Every reader returns Io when the file cannot be read and
// BadModelFile when its content is malformed (bad JSON, wrong types, a truncated line); the message
// names the file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/text/added_token_matcher.h"
#include "core/text/bpe_model.h"

namespace kinema::text {

// What a HF tokenizer.json says about a BPE tokenizer.
struct TokenizerJson {
    BpeModel::Vocab vocab;
    BpeModel::Merges merges;
    std::vector<AddedToken> added_tokens;
    std::optional<std::string> split_regex;  // the first pre_tokenizer Split's Regex pattern
    bool nfc = false;                        // normalizer is NFC (alone or first in a Sequence)
    bool ignore_merges = false;
    std::string end_of_word_suffix;
    std::optional<std::string> unk_token;
};

class BpeFiles {
public:
    static constexpr size_t kAllMerges = std::numeric_limits<size_t>::max();

    // The whole file as bytes.
    static Result<std::string> read_file(const std::filesystem::path& path);

    // vocab.json: a JSON object {token: id}.
    static Result<BpeModel::Vocab> read_vocab_json(const std::filesystem::path& path);

    // merges.txt: optional "#version" first line, then one "a b" pair per line. A trailing empty
    // line is allowed; any other line without exactly two space-separated parts is an error. At
    // most max_merges pairs are kept (CLIP keeps 48894).
    static Result<BpeModel::Merges> read_merges_txt(const std::filesystem::path& path,
                                                    size_t max_merges = kAllMerges);

    // openai's bpe_simple_vocab_16e6.txt.gz (gzip of a merges file whose first line is a header):
    // the merges of lines 2 .. max_merges+1, as openai's simple_tokenizer reads them.
    static Result<BpeModel::Merges> read_openai_bpe_gz(const std::filesystem::path& path,
                                                       size_t max_merges);

    // tokenizer_config.json: its "added_tokens_decoder" {"id": {"content", "special", ...}}.
    // Tokens with lstrip, rstrip or single_word set are Unsupported (no tokenizer here uses them).
    static Result<std::vector<AddedToken>> read_added_tokens_config(
        const std::filesystem::path& path);

    // A HF tokenizer.json with a BPE model; model.merges may hold "a b" strings or [a, b] arrays.
    static Result<TokenizerJson> read_tokenizer_json(const std::filesystem::path& path);
};

}  // namespace kinema::text
