#include "core/text/byte_level.h"

#include <array>

#include "core/text/utf8.h"

namespace kinema::text {
namespace {

struct Tables {
    std::array<char32_t, 256> to_char{};
    std::array<std::string, 256> to_utf8;
    std::array<int16_t, 324> to_byte{};  // chars U+0000..U+0143 cover the whole table

    Tables() {
        to_byte.fill(-1);
        const auto printable = [](int b) {
            return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        };
        char32_t extra = 256;
        for (int b = 0; b < 256; ++b) {
            const char32_t c = printable(b) ? static_cast<char32_t>(b) : extra++;
            to_char[b] = c;
            Utf8::append(to_utf8[b], c);
            to_byte[c] = static_cast<int16_t>(b);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

char32_t ByteLevel::byte_to_char(uint8_t byte) {
    return tables().to_char[byte];
}

int ByteLevel::char_to_byte(char32_t c) {
    const auto& t = tables();
    return c < t.to_byte.size() ? t.to_byte[c] : -1;
}

std::string ByteLevel::encode(std::string_view bytes) {
    const auto& t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char b : bytes)
        out += t.to_utf8[static_cast<unsigned char>(b)];
    return out;
}

bool ByteLevel::decode_token(std::string_view token, std::string& out) {
    const size_t mark = out.size();
    size_t pos = 0;
    while (pos < token.size()) {
        const int b = char_to_byte(Utf8::next(token, pos));
        if (b < 0) {
            out.resize(mark);
            out.append(token);
            return false;
        }
        out.push_back(static_cast<char>(b));
    }
    return true;
}

}  // namespace kinema::text
