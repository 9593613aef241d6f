// A byte-pair-encoding model: vocabulary, merge ranks and the merge loop for one pre-tokenized
// word. Semantics follow HF tokenizers' BPE (equal to GPT-2's/CLIP's Python loop for trained merge
// lists): the word starts as one symbol per character (the last one carrying end_of_word_suffix),
// then the adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a
// rank. Immutable after create(); copies share state; encode_word() is thread-safe (it keeps a
// cache).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kinema::text {

class BpeModel {
public:
    using Vocab = std::vector<std::pair<std::string, int32_t>>;       // token -> id
    using Merges = std::vector<std::pair<std::string, std::string>>;  // rank = index

    struct Options {
        std::string end_of_word_suffix;  // CLIP: "</w>", Qwen: ""
        bool ignore_merges = false;      // HF: a word found whole in the vocab skips the merges
        std::optional<int32_t> unk_id;   // id for characters not in the vocab; none drops them
    };

    // Fails with BadModelFile when an id is negative or repeated, a token repeats, a merge names a
    // token that is not in the vocab, or a merge's concatenation is not in the vocab (as HF does).
    static Result<BpeModel> create(const Vocab& vocab, const Merges& merges, Options options);

    // Appends the ids of one word (already mapped to byte-level chars; valid UTF-8).
    void encode_word(std::string_view word, std::vector<int32_t>& out) const;

    std::optional<int32_t> token_to_id(std::string_view token) const;
    // nullptr when id is not in the vocab.
    const std::string* id_to_token(int32_t id) const;

    size_t vocab_size() const;
    size_t merge_count() const;
    const Options& options() const;

private:
    struct State;
    explicit BpeModel(std::shared_ptr<State> state);
    void merge_word(std::string_view word, std::vector<int32_t>& out) const;
    std::shared_ptr<State> state_;
};

}  // namespace kinema::text
