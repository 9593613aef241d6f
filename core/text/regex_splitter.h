// A pre-tokenizer regex (HF tokenizers "Split" / Python regex.findall) run with PCRE2 in UTF + UCP
// mode. Patterns are written for Oniguruma (what HF tokenizers uses); create() rewrites `\s` / `\S`
// into the Unicode White_Space set, which is what Oniguruma matches and PCRE2's UCP `\s` is not
// quite (PCRE2 adds U+180E). Everything else (\p{L}, \p{N}, (?i:...), lookahead) means the same.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kinema::text {

class RegexSplitter {
public:
    enum class Behavior {
        Isolated,     // every match is a piece, and so is every non-empty gap between matches
        MatchesOnly,  // only the matches (HF Split "removed"+invert, Python re.findall)
    };

    // Compiles `pattern`. A pattern PCRE2 rejects is a BadModelFile error (it comes from a
    // tokenizer file). `caseless` is Python's re.IGNORECASE.
    static Result<RegexSplitter> create(std::string_view pattern, bool caseless = false);

    // Splits valid UTF-8 `text` into pieces (views into text), appended to out in order.
    void split(std::string_view text, Behavior behavior, std::vector<std::string_view>& out) const;

    // The pattern after the \s rewrite (for diagnostics and tests).
    static std::string translate(std::string_view pattern);

private:
    struct Compiled;
    explicit RegexSplitter(std::shared_ptr<const Compiled> compiled);
    std::shared_ptr<const Compiled> compiled_;
};

}  // namespace kinema::text
