#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/text/regex_splitter.h"

#include <pcre2.h>

#include <string>

#include "core/text/utf8.h"

namespace kinema::text {

struct RegexSplitter::Compiled {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Compiled() { pcre2_code_free(code); }
};

namespace {

// Unicode White_Space, as a class body in PCRE2 syntax.
constexpr std::string_view kWhiteSpace =
    "\\t\\n\\x0B\\f\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
    "\\x{202F}\\x{205F}\\x{3000}";

}  // namespace

std::string RegexSplitter::translate(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size() + 64);
    bool in_class = false;
    size_t class_start = 0;  // index just after '[' or '[^'
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[i + 1];
            if (e == 's') {
                if (in_class)
                    out += kWhiteSpace;
                else
                    out += "[" + std::string(kWhiteSpace) + "]";
            } else if (e == 'S' && !in_class) {
                out += "[^" + std::string(kWhiteSpace) + "]";
            } else {
                out += c;
                out += e;  // any other escape (including \S inside a class) is kept as written
            }
            ++i;
            continue;
        }
        out += c;
        if (!in_class && c == '[') {
            in_class = true;
            class_start = i + 1;
            if (class_start < pattern.size() && pattern[class_start] == '^') {
                out += '^';
                ++i;
                ++class_start;
            }
        } else if (in_class && c == ']' && i != class_start) {
            in_class = false;
        }
    }
    return out;
}

RegexSplitter::RegexSplitter(std::shared_ptr<const Compiled> compiled)
    : compiled_(std::move(compiled)) {}

Result<RegexSplitter> RegexSplitter::create(std::string_view pattern, bool caseless) {
    const std::string translated = translate(pattern);
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    uint32_t options = PCRE2_UTF | PCRE2_UCP;
    if (caseless) options |= PCRE2_CASELESS;
    pcre2_code* code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(), options,
                      &error_code, &error_offset, nullptr);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof(message));
        return make_error(ErrorKind::BadModelFile,
                          "pre-tokenizer regex does not compile at offset " +
                              std::to_string(error_offset) + ": " +
                              reinterpret_cast<const char*>(message));
    }
    auto compiled = std::make_shared<Compiled>();
    compiled->code = code;
    compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    return RegexSplitter(std::move(compiled));
}

void RegexSplitter::split(std::string_view text, Behavior behavior,
                          std::vector<std::string_view>& out) const {
    if (text.empty()) return;
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
    if (match == nullptr) {  // out of memory: keep the text whole rather than lose it
        out.push_back(text);
        return;
    }
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    size_t gap_start = 0;
    while (pos < text.size()) {
        const int rc = compiled_->jit ? pcre2_jit_match(compiled_->code, subject, text.size(), pos,
                                                        0, match, nullptr)
                                      : pcre2_match(compiled_->code, subject, text.size(), pos,
                                                    PCRE2_NO_UTF_CHECK, match, nullptr);
        if (rc < 0) break;  // no further match (or a matching limit): the rest is one gap
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match);
        const size_t start = ovector[0];
        size_t end = ovector[1];
        if (end == start) {
            // An empty match produces no piece; step over one character.
            Utf8::next(text, end);
            pos = end;
            continue;
        }
        if (behavior == Behavior::Isolated && start > gap_start)
            out.push_back(text.substr(gap_start, start - gap_start));
        out.push_back(text.substr(start, end - start));
        pos = end;
        gap_start = end;
    }
    if (behavior == Behavior::Isolated && gap_start < text.size())
        out.push_back(text.substr(gap_start));
    pcre2_match_data_free(match);
}

}  // namespace kinema::text
