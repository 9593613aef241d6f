#include "core/tiny/word_stemmer.h"

#include <array>
#include <utility>

namespace kinema {
namespace {

bool is_consonant(const std::string& w, size_t i) {
    switch (w[i]) {
        case 'a':
        case 'e':
        case 'i':
        case 'o':
        case 'u':
            return false;
        case 'y':
            return i == 0 || !is_consonant(w, i - 1);
        default:
            return true;
    }
}

// Porter's measure m of w[0, len): the number of vowel-consonant sequences in [C](VC)^m[V].
int measure(const std::string& w, size_t len) {
    int m = 0;
    size_t i = 0;
    while (i < len && is_consonant(w, i))
        ++i;
    while (i < len) {
        while (i < len && !is_consonant(w, i))
            ++i;
        if (i >= len) break;
        while (i < len && is_consonant(w, i))
            ++i;
        ++m;
    }
    return m;
}

bool has_vowel(const std::string& w, size_t len) {
    for (size_t i = 0; i < len; ++i)
        if (!is_consonant(w, i)) return true;
    return false;
}

bool ends_with(const std::string& w, std::string_view s) {
    return w.size() >= s.size() && std::string_view(w).substr(w.size() - s.size()) == s;
}

bool ends_double_consonant(const std::string& w) {
    const size_t n = w.size();
    return n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1);
}

// *o: the stem ends consonant-vowel-consonant and the last consonant is not w, x or y.
bool ends_cvc(const std::string& w) {
    const size_t n = w.size();
    if (n < 3) return false;
    if (!is_consonant(w, n - 3) || is_consonant(w, n - 2) || !is_consonant(w, n - 1)) return false;
    const char c = w[n - 1];
    return c != 'w' && c != 'x' && c != 'y';
}

const std::array<std::pair<std::string_view, std::string_view>, 18> kIrregular = {{
    {"ran", "run"},
    {"sat", "sit"},
    {"stood", "stand"},
    {"went", "go"},
    {"leapt", "leap"},
    {"threw", "throw"},
    {"thrown", "throw"},
    {"knelt", "kneel"},
    {"rose", "rise"},
    {"risen", "rise"},
    {"took", "take"},
    {"gave", "give"},
    {"got", "get"},
    {"feet", "foot"},
    {"spun", "spin"},
    {"swung", "swing"},
    {"strode", "stride"},
    {"crept", "creep"},
}};

void step1a(std::string& w) {
    if (ends_with(w, "sses") || ends_with(w, "ies"))
        w.resize(w.size() - 2);
    else if (ends_with(w, "ss"))
        return;
    else if (ends_with(w, "s"))
        w.pop_back();
}

void step1b(std::string& w) {
    if (ends_with(w, "eed")) {
        if (measure(w, w.size() - 3) > 0) w.pop_back();
        return;
    }
    size_t cut = 0;
    if (ends_with(w, "ed") && has_vowel(w, w.size() - 2))
        cut = 2;
    else if (ends_with(w, "ing") && has_vowel(w, w.size() - 3))
        cut = 3;
    if (cut == 0) return;
    w.resize(w.size() - cut);
    if (ends_with(w, "at") || ends_with(w, "bl") || ends_with(w, "iz")) {
        w.push_back('e');
    } else if (ends_double_consonant(w)) {
        const char c = w.back();
        if (c != 'l' && c != 's' && c != 'z') w.pop_back();
    } else if (measure(w, w.size()) == 1 && ends_cvc(w)) {
        w.push_back('e');
    }
}

void step1c(std::string& w) {
    if (ends_with(w, "y") && has_vowel(w, w.size() - 1)) w.back() = 'i';
}

void step5a(std::string& w) {
    if (!ends_with(w, "e")) return;
    const size_t stem = w.size() - 1;
    const int m = measure(w, stem);
    if (m > 1 || (m == 1 && !ends_cvc(w.substr(0, stem)))) w.pop_back();
}

}  // namespace

std::string stem_word(std::string_view word) {
    for (const auto& [from, to] : kIrregular)
        if (word == from) return std::string(to);
    std::string w(word);
    if (w.size() <= 3) return w;  // "is", "his", "was": too short to carry a suffix
    step1a(w);
    step1b(w);
    step1c(w);
    step5a(w);
    return w;
}

}  // namespace kinema
