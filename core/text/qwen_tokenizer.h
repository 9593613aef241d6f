// Qwen2 / Qwen2.5 / Qwen3 byte-level BPE tokenizer, equal to HF tokenizers' Qwen2TokenizerFast with
// add_special_tokens=False (Qwen adds no BOS/EOS anyway):
//   1. added tokens (special or not: <|endoftext|>, <|im_start|>, ..., <think>) are cut out of the
//      raw text first, leftmost-longest;
//   2. each remaining run is NFC-normalised, split by the Qwen2 pre-tokenizer regex (Isolated),
//      mapped byte-wise with GPT-2's byte->unicode table, and BPE-encoded.
// Invalid UTF-8 in the input is replaced by U+FFFD first. Immutable after load; copies share state;
// encode()/decode() are thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text/added_token_matcher.h"

namespace kinema::text {

struct TokenizerJson;

class QwenTokenizer {
public:
    static constexpr int32_t kEndOfText = 151643;  // <|endoftext|>, also HY-Motion's pad id
    static constexpr int32_t kImStart = 151644;    // <|im_start|>
    static constexpr int32_t kImEnd = 151645;      // <|im_end|>
    // The Qwen2 pre-tokenizer regex (tokenizer.json pre_tokenizer Split, behavior Isolated).
    static constexpr std::string_view kSplitPattern =
        R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

    // Loads from a folder: tokenizer.json when present, else vocab.json + merges.txt with the added
    // tokens of tokenizer_config.json (when that is absent too: the built-in Qwen3 table
    // 151643..151668). Missing files -> Io; malformed ones -> BadModelFile.
    static Result<QwenTokenizer> load(const std::filesystem::path& dir);

    // vocab.json + merges.txt (+ tokenizer_config.json; an empty path means the built-in table).
    static Result<QwenTokenizer> load_files(const std::filesystem::path& vocab_json,
                                            const std::filesystem::path& merges_txt,
                                            const std::filesystem::path& tokenizer_config_json);

    // A HF tokenizer.json (its normalizer, Split regex, vocab, merges and added_tokens are used).
    static Result<QwenTokenizer> load_tokenizer_json(const std::filesystem::path& tokenizer_json);

    // The built-in Qwen3 added tokens: 151643..151656 special, 151657..151668 not.
    static std::vector<AddedToken> qwen3_added_tokens();

    std::vector<int32_t> encode(std::string_view utf8) const;

    // Concatenates the tokens' bytes (added tokens verbatim) and replaces invalid UTF-8 by U+FFFD,
    // like HF decode(clean_up_tokenization_spaces=False). Unknown ids are skipped.
    std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = false) const;

    std::optional<int32_t> token_to_id(std::string_view token) const;
    std::optional<std::string> id_to_token(int32_t id) const;

    // Base vocab plus added tokens not already in it (151669 for Qwen3).
    size_t vocab_size() const;
    size_t merge_count() const;
    const std::vector<AddedToken>& added_tokens() const;

private:
    struct State;
    explicit QwenTokenizer(std::shared_ptr<const State> state);
    static Result<QwenTokenizer> build(TokenizerJson parts);
    std::shared_ptr<const State> state_;
};

}  // namespace kinema::text
