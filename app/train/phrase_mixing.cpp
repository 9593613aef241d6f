#include "app/train/phrase_mixing.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "app/train/caption_table.h"
#include "app/train/heldout3_table.h"
#include "app/train/heldout4_table.h"
#include "core/tiny/tiny_vocab.h"

namespace kinema::train {
namespace {

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string stems(const std::string& text) {
    return joined(TinyVocab::entries(text, TinyVocab::WordForm::Stem));
}

// " a b c " forms, so that find() matches whole words only.
struct Forbidden {
    std::vector<std::string> held_out;               // sets 1-4, every action
    std::vector<std::set<std::string>> other_train;  // per action: other actions' phrases
    std::map<std::string, int> actions_using;        // word -> actions whose phrases have it
};

const Forbidden& forbidden() {
    static const Forbidden f = [] {
        Forbidden out;
        const auto& table = caption_table();
        for (const auto& t : table)
            for (const auto* list : {&t.held_out, &t.held_out2})
                for (const char* p : *list)
                    out.held_out.push_back(" " + stems(p) + " ");
        for (const auto* set : {&heldout3_phrases(), &heldout4_phrases()})
            for (const auto& pair : *set)
                for (const char* p : pair)
                    out.held_out.push_back(" " + stems(p) + " ");
        out.other_train.resize(table.size());
        for (size_t a = 0; a < table.size(); ++a)
            for (size_t b = 0; b < table.size(); ++b)
                if (a != b)
                    for (const char* p : table[b].train)
                        out.other_train[a].insert(stems(p));
        for (const auto& t : table) {
            std::set<std::string> words;
            for (const char* p : t.train)
                for (const auto& w : TinyVocab::split_words(p))
                    words.insert(w);
            for (const auto& w : words)
                ++out.actions_using[w];
        }
        return out;
    }();
    return f;
}

// Side and direction words: a mix says exactly the ones its first phrase says.
std::set<std::string> side_words(const std::vector<std::string>& words) {
    static const std::set<std::string> side = {"left",     "right",     "both", "back",
                                               "backward", "backwards", "side", "sideways",
                                               "forward",  "forwards",  "ahead"};
    std::set<std::string> out;
    for (const auto& w : words)
        if (side.count(w)) out.insert(w);
    return out;
}

// Has a word that at most two actions' phrases use ("crouch", "jab", "spread").
bool has_distinctive_word(const std::vector<std::string>& words, const Forbidden& f) {
    for (const auto& w : words) {
        auto it = f.actions_using.find(w);
        if (it != f.actions_using.end() && it->second <= 2) return true;
    }
    return false;
}

}  // namespace

std::optional<std::string> mixed_training_phrase(int action_index, std::mt19937_64& rng) {
    const auto& list = caption_table()[static_cast<size_t>(action_index)].train;
    if (list.size() < 2) return std::nullopt;
    auto index = [&](size_t lo, size_t hi) {
        return std::uniform_int_distribution<size_t>(lo, hi)(rng);
    };
    const size_t i = index(0, list.size() - 1);
    size_t j = index(0, list.size() - 2);
    if (j >= i) ++j;
    const auto a = TinyVocab::split_words(list[i]);
    const auto b = TinyVocab::split_words(list[j]);
    const size_t keep_a = index(1, a.size());                           // words of a kept
    const size_t from_b = index(1, std::max<size_t>(1, b.size() - 1));  // b's suffix starts here
    if (b.size() < 2) return std::nullopt;
    std::vector<std::string> words(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(keep_a));
    words.insert(words.end(), b.begin() + static_cast<std::ptrdiff_t>(from_b), b.end());
    const Forbidden& f = forbidden();
    if (side_words(words) != side_words(a)) return std::nullopt;
    if (has_distinctive_word(a, f) && !has_distinctive_word(words, f)) return std::nullopt;
    const std::string text = joined(words);
    const std::string s = stems(text);
    if (f.other_train[static_cast<size_t>(action_index)].count(s)) return std::nullopt;
    for (const auto& h : f.held_out)
        if ((" " + s + " ").find(h) != std::string::npos) return std::nullopt;
    return text;
}

}  // namespace kinema::train
