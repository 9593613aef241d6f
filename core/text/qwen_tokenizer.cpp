#include "core/text/qwen_tokenizer.h"

#include <unordered_map>

#include "core/text/bpe_files.h"
#include "core/text/bpe_model.h"
#include "core/text/byte_level.h"
#include "core/text/regex_splitter.h"
#include "core/text/utf8.h"

namespace kinema::text {

struct QwenTokenizer::State {
    BpeModel model;
    RegexSplitter splitter;
    AddedTokenMatcher added;
    std::unordered_map<int32_t, const AddedToken*> added_by_id;  // points into added.tokens()
    std::vector<AddedToken> added_in_id_order;
    bool nfc = true;
    size_t vocab_size = 0;
};

QwenTokenizer::QwenTokenizer(std::shared_ptr<const State> state) : state_(std::move(state)) {}

std::vector<AddedToken> QwenTokenizer::qwen3_added_tokens() {
    static constexpr const char* kContents[] = {"<|endoftext|>",
                                                "<|im_start|>",
                                                "<|im_end|>",
                                                "<|object_ref_start|>",
                                                "<|object_ref_end|>",
                                                "<|box_start|>",
                                                "<|box_end|>",
                                                "<|quad_start|>",
                                                "<|quad_end|>",
                                                "<|vision_start|>",
                                                "<|vision_end|>",
                                                "<|vision_pad|>",
                                                "<|image_pad|>",
                                                "<|video_pad|>",
                                                "<tool_call>",
                                                "</tool_call>",
                                                "<|fim_prefix|>",
                                                "<|fim_middle|>",
                                                "<|fim_suffix|>",
                                                "<|fim_pad|>",
                                                "<|repo_name|>",
                                                "<|file_sep|>",
                                                "<tool_response>",
                                                "</tool_response>",
                                                "<think>",
                                                "</think>"};
    std::vector<AddedToken> tokens;
    int32_t id = kEndOfText;
    for (const char* content : kContents) {
        tokens.push_back({content, id, id <= 151656});
        ++id;
    }
    return tokens;
}

Result<QwenTokenizer> QwenTokenizer::build(TokenizerJson parts) {
    BpeModel::Options options;
    options.ignore_merges = parts.ignore_merges;
    options.end_of_word_suffix = parts.end_of_word_suffix;
    auto model = BpeModel::create(parts.vocab, parts.merges, options);
    if (!model) return model.error();
    auto splitter = RegexSplitter::create(parts.split_regex.value_or(std::string(kSplitPattern)));
    if (!splitter) return splitter.error();

    auto state = std::make_shared<State>(
        State{std::move(*model), std::move(*splitter), {}, {}, {}, parts.nfc, 0});
    state->vocab_size = state->model.vocab_size();
    for (const AddedToken& t : parts.added_tokens) {
        const std::string* existing = state->model.id_to_token(t.id);
        if (existing != nullptr && *existing != t.content)
            return make_error(ErrorKind::BadModelFile, "added token '" + t.content +
                                                           "' reuses id " + std::to_string(t.id) +
                                                           " of vocab token '" + *existing + "'");
        if (existing == nullptr) ++state->vocab_size;
    }
    state->added_in_id_order = parts.added_tokens;
    state->added = AddedTokenMatcher(std::move(parts.added_tokens));
    for (const AddedToken& t : state->added.tokens())
        state->added_by_id.emplace(t.id, &t);
    return QwenTokenizer(std::move(state));
}

Result<QwenTokenizer> QwenTokenizer::load_files(
    const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
    const std::filesystem::path& tokenizer_config_json) {
    TokenizerJson parts;
    auto vocab = BpeFiles::read_vocab_json(vocab_json);
    if (!vocab) return vocab.error();
    auto merges = BpeFiles::read_merges_txt(merges_txt);
    if (!merges) return merges.error();
    parts.vocab = std::move(*vocab);
    parts.merges = std::move(*merges);
    if (tokenizer_config_json.empty()) {
        parts.added_tokens = qwen3_added_tokens();
    } else {
        auto added = BpeFiles::read_added_tokens_config(tokenizer_config_json);
        if (!added) return added.error();
        parts.added_tokens = std::move(*added);
    }
    parts.nfc = true;
    return build(std::move(parts));
}

Result<QwenTokenizer> QwenTokenizer::load_tokenizer_json(
    const std::filesystem::path& tokenizer_json) {
    auto parts = BpeFiles::read_tokenizer_json(tokenizer_json);
    if (!parts) return parts.error();
    return build(std::move(*parts));
}

Result<QwenTokenizer> QwenTokenizer::load(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return make_error(ErrorKind::Io, dir.string() + ": no such tokenizer folder");
    if (std::filesystem::exists(dir / "tokenizer.json", ec))
        return load_tokenizer_json(dir / "tokenizer.json");
    const auto config = dir / "tokenizer_config.json";
    return load_files(dir / "vocab.json", dir / "merges.txt",
                      std::filesystem::exists(config, ec) ? config : std::filesystem::path());
}

std::vector<int32_t> QwenTokenizer::encode(std::string_view utf8) const {
    const State& s = *state_;
    const std::string text = Utf8::sanitize(utf8);
    std::vector<int32_t> ids;
    std::vector<std::string_view> pieces;
    for (const auto& segment : s.added.split(text)) {
        if (segment.id >= 0) {
            ids.push_back(segment.id);
            continue;
        }
        const std::string normalized = s.nfc ? Utf8::nfc(segment.text) : std::string(segment.text);
        pieces.clear();
        s.splitter.split(normalized, RegexSplitter::Behavior::Isolated, pieces);
        for (std::string_view piece : pieces)
            s.model.encode_word(ByteLevel::encode(piece), ids);
    }
    return ids;
}

std::string QwenTokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
    const State& s = *state_;
    std::string bytes;
    for (int32_t id : ids) {
        const auto added = s.added_by_id.find(id);
        if (added != s.added_by_id.end()) {
            if (!(skip_special_tokens && added->second->special)) bytes += added->second->content;
            continue;
        }
        if (const std::string* token = s.model.id_to_token(id))
            ByteLevel::decode_token(*token, bytes);
    }
    return Utf8::sanitize(bytes);
}

std::optional<int32_t> QwenTokenizer::token_to_id(std::string_view token) const {
    for (const AddedToken& t : state_->added.tokens())
        if (t.content == token) return t.id;
    return state_->model.token_to_id(token);
}

std::optional<std::string> QwenTokenizer::id_to_token(int32_t id) const {
    const auto added = state_->added_by_id.find(id);
    if (added != state_->added_by_id.end()) return added->second->content;
    if (const std::string* token = state_->model.id_to_token(id)) return *token;
    return std::nullopt;
}

size_t QwenTokenizer::vocab_size() const {
    return state_->vocab_size;
}
size_t QwenTokenizer::merge_count() const {
    return state_->model.merge_count();
}
const std::vector<AddedToken>& QwenTokenizer::added_tokens() const {
    return state_->added_in_id_order;
}

}  // namespace kinema::text
