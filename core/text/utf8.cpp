#include "core/text/utf8.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace kinema::text {

char32_t Utf8::next(std::string_view text, size_t& pos) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    int need = 0;
    char32_t cp = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        ++pos;
        return kReplacement;
    }
    size_t i = pos + 1;
    for (int k = 0; k < need; ++k, ++i) {
        const unsigned char lower = k == 0 ? lo : 0x80;
        const unsigned char upper = k == 0 ? hi : 0xBF;
        if (i >= text.size() || byte(i) < lower || byte(i) > upper) {
            pos = i;  // the maximal valid prefix becomes one U+FFFD
            return kReplacement;
        }
        cp = (cp << 6) | (byte(i) & 0x3F);
    }
    pos = i;
    return cp;
}

void Utf8::append(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool Utf8::is_valid(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t start = pos;
        if (next(text, pos) == kReplacement) {
            // A literal U+FFFD is three bytes EF BF BD; anything else was an invalid sequence.
            if (pos - start != 3 || text.substr(start, 3) != "\xEF\xBF\xBD") return false;
        }
    }
    return true;
}

std::string Utf8::sanitize(std::string_view text) {
    if (is_valid(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    size_t pos = 0;
    while (pos < text.size())
        append(out, next(text, pos));
    return out;
}

std::string Utf8::nfc(std::string_view valid_utf8) {
    if (valid_utf8.empty()) return {};
    // Pure ASCII is already NFC.
    bool ascii = true;
    for (char c : valid_utf8) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) return std::string(valid_utf8);
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid_utf8.data()),
                     static_cast<utf8proc_ssize_t>(valid_utf8.size()), &mapped,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0 || mapped == nullptr) return std::string(valid_utf8);  // only on invalid input
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> holder(mapped, &std::free);
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

int Utf8::category(char32_t cp) {
    return static_cast<int>(utf8proc_category(static_cast<utf8proc_int32_t>(cp)));
}

char32_t Utf8::simple_lower(char32_t cp) {
    return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

bool Utf8::is_white_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

}  // namespace kinema::text
