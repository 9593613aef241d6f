// UTF-8 helpers shared by the tokenizers: lossy decoding, encoding, NFC and character classes.
// Backed by utf8proc (its Unicode version decides categories and case mappings).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kinema::text {

class Utf8 {
public:
    static constexpr char32_t kReplacement = 0xFFFD;

    // Decodes the code point starting at text[pos] and advances pos past it. An invalid or
    // truncated sequence yields U+FFFD and consumes its maximal valid prefix (at least one byte),
    // the way Python's bytes.decode(errors="replace") does. Precondition: pos < text.size().
    static char32_t next(std::string_view text, size_t& pos);

    // Appends the UTF-8 encoding of cp (a scalar value; surrogates and values > U+10FFFF become
    // U+FFFD).
    static void append(std::string& out, char32_t cp);

    // True when text is well-formed UTF-8.
    static bool is_valid(std::string_view text);

    // Returns text with every invalid sequence replaced by U+FFFD (as next() decodes it). Valid
    // text is returned unchanged.
    static std::string sanitize(std::string_view text);

    // Unicode NFC of valid UTF-8 text.
    static std::string nfc(std::string_view valid_utf8);

    // The general category as utf8proc_category_t (0 = Cn, unassigned).
    static int category(char32_t cp);

    // Simple (1:1) lower-case mapping from UnicodeData.txt.
    static char32_t simple_lower(char32_t cp);

    // Unicode White_Space property (what Oniguruma's and Rust regex's \s match).
    static bool is_white_space(char32_t cp);
};

}  // namespace kinema::text
