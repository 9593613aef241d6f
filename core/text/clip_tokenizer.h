// CLIP BPE tokenizer of openai/clip-vit-large-patch14 (49408 tokens, "</w>" word ends).
//
// Flavor::HfSlow (the default) is HF's slow CLIPTokenizer as HY-Motion runs it (transformers 4.53,
// no ftfy installed): special tokens cut out of the raw text (exact match), then for each plain
// run ClipNormalizer::slow_basic_clean, then the case-insensitive regex
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// (re.findall), GPT-2 byte mapping and BPE.
// Flavor::HfFast is CLIPTokenizerFast (ClipNormalizer::fast_normalize, the same regex without the
// special-token alternatives). The two differ only on control/format characters (dropped by the
// slow one, e.g. U+0000, U+200D ZWJ, U+FFFD) and CJK ideographs (one word each in the slow one).
//
// encode() adds <|startoftext|> and <|endoftext|> and truncates to max_length keeping the end
// token; no padding. Invalid UTF-8 is replaced by U+FFFD first. Immutable after load; copies share
// state; thread-safe.
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

namespace kinema::text {

class ClipTokenizer {
public:
    enum class Flavor { HfSlow, HfFast };

    static constexpr int32_t kStartOfText = 49406;
    static constexpr int32_t kEndOfText = 49407;  // also the unk and HF pad id
    static constexpr size_t kMaxLength = 77;
    static constexpr size_t kMaxMerges = 49152 - 256 - 2;  // 48894, as HF and openai read them

    // A folder with vocab.json + merges.txt (HF layout), or else bpe_simple_vocab_16e6.txt.gz
    // (openai layout). Missing files -> Io; malformed ones -> BadModelFile.
    static Result<ClipTokenizer> load(const std::filesystem::path& dir,
                                      Flavor flavor = Flavor::HfSlow);
    static Result<ClipTokenizer> load_files(const std::filesystem::path& vocab_json,
                                            const std::filesystem::path& merges_txt,
                                            Flavor flavor = Flavor::HfSlow);
    // openai's file: the vocab is rebuilt as simple_tokenizer.py does (256 byte chars, the same
    // with
    // "</w>", one token per merge, then the two special tokens).
    static Result<ClipTokenizer> load_openai_bpe(const std::filesystem::path& bpe_gz,
                                                 Flavor flavor = Flavor::HfSlow);

    // The same vocabulary with another flavor (shares the loaded state).
    ClipTokenizer with_flavor(Flavor flavor) const;
    Flavor flavor() const { return flavor_; }

    // <|startoftext|> tokens <|endoftext|>, at most max_length ids (max_length < 2 counts as 2).
    std::vector<int32_t> encode(std::string_view utf8, size_t max_length = kMaxLength) const;
    // The tokens alone: no start/end token, no truncation.
    std::vector<int32_t> encode_tokens(std::string_view utf8) const;

    // As CLIPTokenizerFast.decode with HF's defaults: token bytes concatenated, "</w>" -> " ",
    // stripped, then clean_up_tokenization (" ." -> ".", " ?" -> "?", " 's" -> "'s", ...).
    std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = false) const;

    std::optional<int32_t> token_to_id(std::string_view token) const;
    std::optional<std::string> id_to_token(int32_t id) const;
    size_t vocab_size() const;
    size_t merge_count() const;

    // HY-Motion's padding=True: pads every sequence on the right to the longest with pad_id.
    struct Batch {
        std::vector<std::vector<int32_t>> input_ids;
        std::vector<std::vector<int32_t>> attention_mask;
    };
    static Batch pad_to_longest(std::vector<std::vector<int32_t>> sequences,
                                int32_t pad_id = kEndOfText);

private:
    struct State;
    ClipTokenizer(std::shared_ptr<const State> state, Flavor flavor);
    static Result<ClipTokenizer> build(
        const std::vector<std::pair<std::string, int32_t>>& vocab,
        const std::vector<std::pair<std::string, std::string>>& merges, Flavor flavor);
    std::shared_ptr<const State> state_;
    Flavor flavor_ = Flavor::HfSlow;
};

}  // namespace kinema::text
