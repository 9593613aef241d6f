// GPT-2's reversible byte <-> unicode table (bytes_to_unicode), used by Qwen's and CLIP's
// byte-level BPE: printable Latin-1 bytes ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) map to
// themselves and the other 68 bytes, in byte order, to U+0100, U+0101, ... (so ' ' is 'Ġ' U+0120
// and '\n' is 'Ċ').
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kinema::text {

class ByteLevel {
public:
    static char32_t byte_to_char(uint8_t byte);

    // The byte that maps to c, or -1 when c is not in the table.
    static int char_to_byte(char32_t c);

    // Maps every byte of `bytes` to its table char and returns the result as UTF-8.
    static std::string encode(std::string_view bytes);

    // Appends the bytes of a byte-level token (valid UTF-8) to out. When some char of the token is
    // not in the table, appends the token's own UTF-8 bytes instead (HF tokenizers' ByteLevel
    // decoder does the same) and returns false.
    static bool decode_token(std::string_view token, std::string& out);
};

}  // namespace kinema::text
