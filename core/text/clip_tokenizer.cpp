#include "core/text/clip_tokenizer.h"

#include <algorithm>

#include "core/text/added_token_matcher.h"
#include "core/text/bpe_files.h"
#include "core/text/bpe_model.h"
#include "core/text/byte_level.h"
#include "core/text/clip_normalizer.h"
#include "core/text/regex_splitter.h"
#include "core/text/utf8.h"

namespace kinema::text {
namespace {

constexpr std::string_view kStartText = "<|startoftext|>";
constexpr std::string_view kEndText = "<|endoftext|>";
constexpr std::string_view kSlowPattern =
    R"(<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+)";
constexpr std::string_view kFastPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+)";

// Python str.strip() for the ends of decoded text.
std::string strip_spaces(const std::string& s) {
    size_t begin = 0;
    size_t end = s.size();
    const auto space_at = [&](size_t pos, size_t& next) {
        next = pos;
        const char32_t cp = Utf8::next(s, next);
        return Utf8::is_white_space(cp) || (cp >= 0x1C && cp <= 0x1F);
    };
    size_t next = 0;
    while (begin < end && space_at(begin, next))
        begin = next;
    while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
            --start;
        if (!space_at(start, next)) break;
        end = start;
    }
    return s.substr(begin, end - begin);
}

// transformers' PreTrainedTokenizerBase.clean_up_tokenization (clean_up_tokenization_spaces is
// true for CLIP).
std::string clean_up_tokenization(std::string text) {
    static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
        {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : kRules) {
        std::string out;
        size_t pos = 0;
        for (size_t hit; (hit = text.find(from, pos)) != std::string::npos; pos = hit + from.size())
            out.append(text, pos, hit - pos).append(to);
        out.append(text, pos, std::string::npos);
        text = std::move(out);
    }
    return text;
}

}  // namespace

struct ClipTokenizer::State {
    BpeModel model;
    RegexSplitter slow_splitter;
    RegexSplitter fast_splitter;
    AddedTokenMatcher specials;
};

ClipTokenizer::ClipTokenizer(std::shared_ptr<const State> state, Flavor flavor)
    : state_(std::move(state)), flavor_(flavor) {}

Result<ClipTokenizer> ClipTokenizer::build(const BpeModel::Vocab& vocab,
                                           const BpeModel::Merges& merges, Flavor flavor) {
    std::optional<int32_t> start_id, end_id;
    for (const auto& [token, id] : vocab) {
        if (token == kStartText) start_id = id;
        if (token == kEndText) end_id = id;
    }
    if (!start_id || !end_id)
        return make_error(ErrorKind::BadModelFile,
                          "CLIP vocab lacks <|startoftext|> or <|endoftext|>");
    if (*start_id != kStartOfText || *end_id != kEndOfText)
        return make_error(ErrorKind::BadModelFile,
                          "CLIP vocab has <|startoftext|>/<|endoftext|> at " +
                              std::to_string(*start_id) + "/" + std::to_string(*end_id) +
                              ", expected 49406/49407");
    BpeModel::Options options;
    options.end_of_word_suffix = "</w>";
    options.unk_id = kEndOfText;
    auto model = BpeModel::create(vocab, merges, options);
    if (!model) return model.error();
    auto slow = RegexSplitter::create(kSlowPattern, /*caseless=*/true);
    if (!slow) return slow.error();
    auto fast = RegexSplitter::create(kFastPattern, /*caseless=*/false);
    if (!fast) return fast.error();
    AddedTokenMatcher specials(
        {{std::string(kStartText), kStartOfText, true}, {std::string(kEndText), kEndOfText, true}});
    auto state = std::make_shared<State>(
        State{std::move(*model), std::move(*slow), std::move(*fast), std::move(specials)});
    return ClipTokenizer(std::move(state), flavor);
}

Result<ClipTokenizer> ClipTokenizer::load_files(const std::filesystem::path& vocab_json,
                                                const std::filesystem::path& merges_txt,
                                                Flavor flavor) {
    auto vocab = BpeFiles::read_vocab_json(vocab_json);
    if (!vocab) return vocab.error();
    auto merges = BpeFiles::read_merges_txt(merges_txt, kMaxMerges);
    if (!merges) return merges.error();
    return build(*vocab, *merges, flavor);
}

Result<ClipTokenizer> ClipTokenizer::load_openai_bpe(const std::filesystem::path& bpe_gz,
                                                     Flavor flavor) {
    auto merges = BpeFiles::read_openai_bpe_gz(bpe_gz, kMaxMerges);
    if (!merges) return merges.error();
    // bytes_to_unicode().values() in dict order is the byte chars sorted by code point.
    std::vector<char32_t> chars;
    for (int b = 0; b < 256; ++b)
        chars.push_back(ByteLevel::byte_to_char(static_cast<uint8_t>(b)));
    std::sort(chars.begin(), chars.end());
    BpeModel::Vocab vocab;
    vocab.reserve(512 + merges->size() + 2);
    const auto add = [&](std::string token) {
        vocab.emplace_back(std::move(token), static_cast<int32_t>(vocab.size()));
    };
    for (char32_t c : chars) {
        std::string s;
        Utf8::append(s, c);
        add(s);
    }
    for (char32_t c : chars) {
        std::string s;
        Utf8::append(s, c);
        add(s + "</w>");
    }
    for (const auto& [a, b] : *merges)
        add(a + b);
    add(std::string(kStartText));
    add(std::string(kEndText));
    return build(vocab, *merges, flavor);
}

Result<ClipTokenizer> ClipTokenizer::load(const std::filesystem::path& dir, Flavor flavor) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return make_error(ErrorKind::Io, dir.string() + ": no such tokenizer folder");
    const auto gz = dir / "bpe_simple_vocab_16e6.txt.gz";
    if (!std::filesystem::exists(dir / "vocab.json", ec) && std::filesystem::exists(gz, ec))
        return load_openai_bpe(gz, flavor);
    return load_files(dir / "vocab.json", dir / "merges.txt", flavor);
}

ClipTokenizer ClipTokenizer::with_flavor(Flavor flavor) const {
    return ClipTokenizer(state_, flavor);
}

std::vector<int32_t> ClipTokenizer::encode_tokens(std::string_view utf8) const {
    const State& s = *state_;
    const std::string text = Utf8::sanitize(utf8);
    std::vector<int32_t> ids;
    std::vector<std::string_view> pieces;
    const auto encode_piece = [&](std::string_view piece) {
        // The slow tokenizer's bpe() cache returns these two unchanged: they become their ids.
        if (piece == kStartText)
            ids.push_back(kStartOfText);
        else if (piece == kEndText)
            ids.push_back(kEndOfText);
        else
            s.model.encode_word(ByteLevel::encode(piece), ids);
    };
    if (flavor_ == Flavor::HfSlow) {
        for (const auto& segment : s.specials.split(text)) {
            if (segment.id >= 0) {
                ids.push_back(segment.id);
                continue;
            }
            const std::string cleaned = ClipNormalizer::slow_basic_clean(segment.text);
            pieces.clear();
            s.slow_splitter.split(cleaned, RegexSplitter::Behavior::MatchesOnly, pieces);
            for (std::string_view piece : pieces)
                encode_piece(piece);
        }
    } else {
        // The special tokens are "normalized" added tokens: matched after normalisation. The
        // ByteLevel pre-tokenizer's own GPT-2 regex would not split any piece of this regex
        // further.
        const std::string normalized = ClipNormalizer::fast_normalize(text);
        for (const auto& segment : s.specials.split(normalized)) {
            if (segment.id >= 0) {
                ids.push_back(segment.id);
                continue;
            }
            pieces.clear();
            s.fast_splitter.split(segment.text, RegexSplitter::Behavior::MatchesOnly, pieces);
            for (std::string_view piece : pieces)
                s.model.encode_word(ByteLevel::encode(piece), ids);
        }
    }
    return ids;
}

std::vector<int32_t> ClipTokenizer::encode(std::string_view utf8, size_t max_length) const {
    std::vector<int32_t> tokens = encode_tokens(utf8);
    const size_t keep = std::max<size_t>(max_length, 2) - 2;
    if (tokens.size() > keep) tokens.resize(keep);
    std::vector<int32_t> ids;
    ids.reserve(tokens.size() + 2);
    ids.push_back(kStartOfText);
    ids.insert(ids.end(), tokens.begin(), tokens.end());
    ids.push_back(kEndOfText);
    return ids;
}

std::string ClipTokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
    std::string bytes;
    for (int32_t id : ids) {
        if (skip_special_tokens && (id == kStartOfText || id == kEndOfText)) continue;
        if (const std::string* token = state_->model.id_to_token(id))
            ByteLevel::decode_token(*token, bytes);
    }
    std::string text = Utf8::sanitize(bytes);
    std::string replaced;
    replaced.reserve(text.size());
    size_t pos = 0;
    for (size_t hit; (hit = text.find("</w>", pos)) != std::string::npos; pos = hit + 4)
        replaced.append(text, pos, hit - pos).append(" ");
    replaced.append(text, pos, std::string::npos);
    return clean_up_tokenization(strip_spaces(replaced));
}

std::optional<int32_t> ClipTokenizer::token_to_id(std::string_view token) const {
    return state_->model.token_to_id(token);
}

std::optional<std::string> ClipTokenizer::id_to_token(int32_t id) const {
    if (const std::string* token = state_->model.id_to_token(id)) return *token;
    return std::nullopt;
}

size_t ClipTokenizer::vocab_size() const {
    return state_->model.vocab_size();
}
size_t ClipTokenizer::merge_count() const {
    return state_->model.merge_count();
}

ClipTokenizer::Batch ClipTokenizer::pad_to_longest(std::vector<std::vector<int32_t>> sequences,
                                                   int32_t pad_id) {
    size_t longest = 0;
    for (const auto& s : sequences)
        longest = std::max(longest, s.size());
    Batch batch;
    for (auto& s : sequences) {
        std::vector<int32_t> mask(s.size(), 1);
        mask.resize(longest, 0);
        s.resize(longest, pad_id);
        batch.input_ids.push_back(std::move(s));
        batch.attention_mask.push_back(std::move(mask));
    }
    return batch;
}

}  // namespace kinema::text
