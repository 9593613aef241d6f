// Added (and special) tokens, matched in raw text before any normalisation or BPE, as HF
// tokenizers' AddedVocabulary does for tokens with normalized=false: leftmost match wins and, among
// matches starting at the same byte, the longest. Matching is exact (case-sensitive, byte-wise).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kinema::text {

struct AddedToken {
    std::string content;
    int32_t id = -1;
    bool special = false;  // skipped by decode(skip_special_tokens=true); matched either way
};

class AddedTokenMatcher {
public:
    AddedTokenMatcher() = default;
    // Empty contents are ignored.
    explicit AddedTokenMatcher(std::vector<AddedToken> tokens);

    struct Segment {
        std::string_view text;  // the matched token text, or a run of plain text
        int32_t id = -1;        // the added token's id, or -1 for plain text
    };

    // Splits text into plain runs and added tokens, in order. Plain runs are never empty.
    std::vector<Segment> split(std::string_view text) const;

    const std::vector<AddedToken>& tokens() const { return tokens_; }

private:
    std::vector<AddedToken> tokens_;            // sorted by content length, longest first
    std::vector<uint32_t> by_first_byte_[256];  // indices into tokens_, longest first
};

}  // namespace kinema::text
