#include "core/text/bpe_model.h"

#include <mutex>
#include <queue>
#include <unordered_map>

#include "core/text/utf8.h"

namespace kinema::text {
namespace {

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

constexpr size_t kCacheMaxWordBytes = 256;
constexpr size_t kCacheMaxEntries = 100000;

}  // namespace

struct BpeModel::State {
    Options options;
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> token_to_id;
    std::unordered_map<int32_t, std::string> id_to_token;
    std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges;  // (a,b) -> (rank, new id)
    size_t merge_count = 0;

    mutable std::mutex cache_mutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>>
        cache;
};

BpeModel::BpeModel(std::shared_ptr<State> state) : state_(std::move(state)) {}

Result<BpeModel> BpeModel::create(const Vocab& vocab, const Merges& merges, Options options) {
    auto state = std::make_shared<State>();
    state->options = std::move(options);
    state->token_to_id.reserve(vocab.size());
    state->id_to_token.reserve(vocab.size());
    for (const auto& [token, id] : vocab) {
        if (id < 0)
            return make_error(ErrorKind::BadModelFile,
                              "vocab: token '" + token + "' has negative id " + std::to_string(id));
        if (!state->token_to_id.emplace(token, id).second)
            return make_error(ErrorKind::BadModelFile, "vocab: token '" + token + "' repeats");
        if (!state->id_to_token.emplace(id, token).second)
            return make_error(ErrorKind::BadModelFile,
                              "vocab: id " + std::to_string(id) + " is used twice");
    }
    state->merges.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [a, b] = merges[rank];
        const auto ia = state->token_to_id.find(a);
        const auto ib = state->token_to_id.find(b);
        const auto merged = state->token_to_id.find(a + b);
        const auto* missing = ia == state->token_to_id.end()       ? &a
                              : ib == state->token_to_id.end()     ? &b
                              : merged == state->token_to_id.end() ? nullptr
                                                                   : &a;
        if (ia == state->token_to_id.end() || ib == state->token_to_id.end() ||
            merged == state->token_to_id.end()) {
            const std::string what = missing != nullptr ? *missing : a + b;
            return make_error(ErrorKind::BadModelFile, "merge " + std::to_string(rank + 1) + " ('" +
                                                           a + " " + b + "'): token '" + what +
                                                           "' is not in the vocab");
        }
        // A repeated pair keeps its first (lowest) rank, as a rank lookup table would.
        state->merges.emplace(
            pair_key(ia->second, ib->second),
            std::pair<int32_t, int32_t>(static_cast<int32_t>(rank), merged->second));
    }
    state->merge_count = merges.size();
    return BpeModel(std::move(state));
}

void BpeModel::encode_word(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    const bool cacheable = word.size() <= kCacheMaxWordBytes;
    if (cacheable) {
        std::lock_guard lock(state_->cache_mutex);
        const auto it = state_->cache.find(word);
        if (it != state_->cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids;
    merge_word(word, ids);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        std::lock_guard lock(state_->cache_mutex);
        if (state_->cache.size() >= kCacheMaxEntries) state_->cache.clear();
        state_->cache.emplace(std::string(word), std::move(ids));
    }
}

void BpeModel::merge_word(std::string_view word, std::vector<int32_t>& out) const {
    const State& s = *state_;
    const std::string& suffix = s.options.end_of_word_suffix;
    if (s.options.ignore_merges) {
        const auto it =
            s.token_to_id.find(suffix.empty() ? std::string(word) : std::string(word) + suffix);
        if (it != s.token_to_id.end()) {
            out.push_back(it->second);
            return;
        }
    }

    // Symbols form a doubly linked list over a vector; merged-away symbols get id -1.
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    std::vector<Symbol> symbols;
    std::string piece;
    size_t pos = 0;
    while (pos < word.size()) {
        const size_t start = pos;
        Utf8::next(word, pos);
        piece.assign(word.substr(start, pos - start));
        if (pos >= word.size()) piece += suffix;
        const auto it = s.token_to_id.find(piece);
        int32_t id = -1;
        if (it != s.token_to_id.end())
            id = it->second;
        else if (s.options.unk_id)
            id = *s.options.unk_id;
        else
            continue;  // no unk token: the character is dropped (HF BPE without unk_token)
        const auto index = static_cast<int32_t>(symbols.size());
        symbols.push_back({id, index - 1, -1});
        if (index > 0) symbols[index - 1].next = index;
    }

    struct Candidate {
        int32_t rank;
        int32_t pos;
        int32_t new_id;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    const auto push_pair = [&](int32_t left) {
        if (left < 0 || symbols[left].next < 0) return;
        const auto it = s.merges.find(pair_key(symbols[left].id, symbols[symbols[left].next].id));
        if (it != s.merges.end()) queue.push({it->second.first, left, it->second.second});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i)
        push_pair(i);

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = symbols[top.pos];
        if (left.id < 0 || left.next < 0) continue;
        const Symbol& right = symbols[left.next];
        const auto it = s.merges.find(pair_key(left.id, right.id));
        if (it == s.merges.end() || it->second.second != top.new_id) continue;  // stale entry
        const int32_t right_index = left.next;
        left.id = top.new_id;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = top.pos;
        symbols[right_index].id = -1;
        push_pair(left.prev);
        push_pair(top.pos);
    }
    for (const Symbol& sym : symbols)
        if (sym.id >= 0) out.push_back(sym.id);
}

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
    const auto it = state_->token_to_id.find(token);
    if (it == state_->token_to_id.end()) return std::nullopt;
    return it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
    const auto it = state_->id_to_token.find(id);
    return it == state_->id_to_token.end() ? nullptr : &it->second;
}

size_t BpeModel::vocab_size() const {
    return state_->token_to_id.size();
}
size_t BpeModel::merge_count() const {
    return state_->merge_count;
}
const BpeModel::Options& BpeModel::options() const {
    return state_->options;
}

}  // namespace kinema::text
