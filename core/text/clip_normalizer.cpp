#include "core/text/clip_normalizer.h"

#include <utf8proc.h>

#include <vector>

#include "core/text/utf8.h"

namespace kinema::text {
namespace {

bool is_other_category(char32_t cp) {  // unicodedata.category(c).startswith("C")
    const int cat = Utf8::category(cp);
    return cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CC ||
           cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CS ||
           cat == UTF8PROC_CATEGORY_CO;
}

// Python str.isspace(): bidirectional class WS, B or S, or category Zs.
bool is_python_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 ||
           Utf8::category(cp) == UTF8PROC_CATEGORY_ZS || cp == 0x2028 || cp == 0x2029;
}

bool is_cased(char32_t cp) {
    const int cat = Utf8::category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || Utf8::simple_lower(cp) != cp ||
           static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp))) != cp;
}

bool is_case_ignorable(char32_t cp) {
    switch (Utf8::category(cp)) {
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_SK:
            return true;
        default:
            break;
    }
    // Word_Break MidLetter, MidNumLet and Single_Quote.
    switch (cp) {
        case 0x27:
        case 0x2E:
        case 0x3A:
        case 0xB7:
        case 0x387:
        case 0x55F:
        case 0x5F4:
        case 0x2018:
        case 0x2019:
        case 0x2024:
        case 0x2027:
        case 0xFE13:
        case 0xFE52:
        case 0xFE55:
        case 0xFF07:
        case 0xFF0E:
        case 0xFF1A:
            return true;
        default:
            return false;
    }
}

// Python's str.lower() of one word (its Final_Sigma rule looks only inside the word, which is
// bounded by spaces; a space is neither cased nor case-ignorable).
void append_python_lower(const std::u32string& word, std::string& out) {
    for (size_t i = 0; i < word.size(); ++i) {
        const char32_t c = word[i];
        if (c == 0x130) {
            Utf8::append(out, U'i');
            Utf8::append(out, 0x307);
        } else if (c == 0x3A3) {
            size_t j = i;
            while (j > 0 && is_case_ignorable(word[j - 1]))
                --j;
            bool final_sigma = j > 0 && is_cased(word[j - 1]);
            if (final_sigma) {
                size_t k = i + 1;
                while (k < word.size() && is_case_ignorable(word[k]))
                    ++k;
                final_sigma = k == word.size() || !is_cased(word[k]);
            }
            Utf8::append(out, final_sigma ? 0x3C2 : 0x3C3);
        } else {
            Utf8::append(out, Utf8::simple_lower(c));
        }
    }
}

}  // namespace

bool ClipNormalizer::is_cjk_ideograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::string ClipNormalizer::slow_basic_clean(std::string_view valid_utf8) {
    // _clean_text and _tokenize_chinese_chars.
    std::string cleaned;
    cleaned.reserve(valid_utf8.size() + 8);
    size_t pos = 0;
    while (pos < valid_utf8.size()) {
        const char32_t cp = Utf8::next(valid_utf8, pos);
        const bool tab_or_newline = cp == '\t' || cp == '\n' || cp == '\r';
        if (cp == 0 || cp == 0xFFFD || (!tab_or_newline && is_other_category(cp))) continue;
        if (cp == ' ' || tab_or_newline || Utf8::category(cp) == UTF8PROC_CATEGORY_ZS) {
            cleaned += ' ';
        } else if (is_cjk_ideograph(cp)) {
            cleaned += ' ';
            Utf8::append(cleaned, cp);
            cleaned += ' ';
        } else {
            Utf8::append(cleaned, cp);
        }
    }
    // NFC, whitespace_tokenize, lower() per word, " ".join.
    const std::string normalized = Utf8::nfc(cleaned);
    std::string out;
    out.reserve(normalized.size());
    std::u32string word;
    const auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += ' ';
        append_python_lower(word, out);
        word.clear();
    };
    pos = 0;
    while (pos < normalized.size()) {
        const char32_t cp = Utf8::next(normalized, pos);
        if (is_python_space(cp))
            flush();
        else
            word.push_back(cp);
    }
    flush();
    return out;
}

std::string ClipNormalizer::fast_normalize(std::string_view valid_utf8) {
    const std::string normalized = Utf8::nfc(valid_utf8);
    std::string out;
    out.reserve(normalized.size());
    bool in_space = false;
    size_t pos = 0;
    while (pos < normalized.size()) {
        const char32_t cp = Utf8::next(normalized, pos);
        if (Utf8::is_white_space(cp)) {
            if (!in_space) out += ' ';
            in_space = true;
            continue;
        }
        in_space = false;
        if (cp == 0x130) {  // Rust char::to_lowercase is the full mapping
            Utf8::append(out, U'i');
            Utf8::append(out, 0x307);
        } else {
            Utf8::append(out, Utf8::simple_lower(cp));
        }
    }
    return out;
}

}  // namespace kinema::text
