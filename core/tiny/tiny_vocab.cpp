#include "core/tiny/tiny_vocab.h"

#include <cctype>
#include <fstream>
#include <system_error>

#include "core/tiny/word_stemmer.h"

namespace kinema {

Result<TinyVocab::WordForm> TinyVocab::parse_word_form(const std::string& name) {
    if (name == "raw") return WordForm::Raw;
    if (name == "stem") return WordForm::Stem;
    return make_error(ErrorKind::BadModelFile,
                      "kinema-tiny word_form must be \"raw\" or \"stem\", not \"" + name + "\"");
}

const char* TinyVocab::word_form_name(WordForm form) {
    return form == WordForm::Stem ? "stem" : "raw";
}

Result<TinyVocab> TinyVocab::from_words(std::vector<std::string> words, WordForm form) {
    if (words.size() < 2 || words[0] != "<pad>" || words[1] != "<unk>")
        return make_error(ErrorKind::BadModelFile,
                          "kinema-tiny vocab must start with <pad>, <unk>");
    TinyVocab v;
    for (size_t i = 0; i < words.size(); ++i) {
        if (!v.ids_.emplace(words[i], static_cast<int64_t>(i)).second)
            return make_error(ErrorKind::BadModelFile,
                              "kinema-tiny vocab repeats '" + words[i] + "'");
    }
    v.words_ = std::move(words);
    v.form_ = form;
    return v;
}

Result<TinyVocab> TinyVocab::load(const std::filesystem::path& path, WordForm form) {
    std::ifstream in(path);
    if (!in) return make_error(ErrorKind::Io, "cannot read " + path.string());
    std::vector<std::string> words;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        words.push_back(line);
    }
    auto v = from_words(std::move(words), form);
    if (!v) return make_error(ErrorKind::BadModelFile, path.string() + ": " + v.error().message);
    return v;
}

Status TinyVocab::save(const std::filesystem::path& path) const {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& w : words_)
            out << w << "\n";
        if (!out) return make_error(ErrorKind::Io, "cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return make_error(ErrorKind::Io, "cannot rename " + tmp + ": " + ec.message());
    return {};
}

std::vector<std::string> TinyVocab::split_words(const std::string& text) {
    std::vector<std::string> words;
    std::string cur;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c)) {
            cur += static_cast<char>(std::tolower(c));
        } else if (!cur.empty()) {
            words.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty()) words.push_back(cur);
    return words;
}

std::vector<std::string> TinyVocab::entries(const std::string& text, WordForm form) {
    auto words = split_words(text);
    if (form == WordForm::Stem)
        for (auto& w : words)
            w = stem_word(w);
    return words;
}

std::vector<std::string> TinyVocab::entries(const std::string& text) const {
    return entries(text, form_);
}

int64_t TinyVocab::id(const std::string& word) const {
    auto it = ids_.find(word);
    return it == ids_.end() ? kUnk : it->second;
}

std::vector<int64_t> TinyVocab::encode(const std::string& text, size_t max_tokens) const {
    std::vector<int64_t> out;
    for (const auto& w : entries(text)) {
        if (out.size() >= max_tokens) break;
        out.push_back(id(w));
    }
    if (out.empty()) out.push_back(kUnk);
    return out;
}

}  // namespace kinema
