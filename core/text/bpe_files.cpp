#include "core/text/bpe_files.h"

#include <zlib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kinema::text {
namespace {

using nlohmann::json;

Error bad(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::BadModelFile, path.string() + ": " + what);
}

Result<json> parse_json(const std::filesystem::path& path) {
    auto text = BpeFiles::read_file(path);
    if (!text) return text.error();
    json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return bad(path, "not valid JSON (malformed or truncated)");
    return doc;
}

// Parses merges from text lines; `first_line_is_header` skips line 1 unconditionally (openai),
// otherwise only a "#version" line 1 is skipped (HF).
Result<BpeModel::Merges> parse_merges(const std::filesystem::path& path, std::string_view text,
                                      size_t max_merges, bool first_line_is_header) {
    BpeModel::Merges merges;
    size_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size() && merges.size() < max_merges) {
        size_t end = text.find('\n', pos);
        const bool last = end == std::string_view::npos;
        if (last) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line_no == 1 && (first_line_is_header || line.starts_with("#version"))) continue;
        if (line.empty() && (last || pos >= text.size())) break;  // trailing newline
        const size_t space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space + 1 >= line.size() ||
            line.find(' ', space + 1) != std::string_view::npos)
            return bad(path, "line " + std::to_string(line_no) +
                                 " is not a merge 'a b' (malformed or truncated file)");
        merges.emplace_back(std::string(line.substr(0, space)),
                            std::string(line.substr(space + 1)));
    }
    return merges;
}

Result<std::vector<AddedToken>> parse_added_token(const std::filesystem::path& path,
                                                  const json& entry, std::optional<int64_t> id) {
    if (!entry.is_object() || !entry.contains("content") || !entry["content"].is_string())
        return bad(path, "an added token has no string \"content\"");
    AddedToken token;
    token.content = entry["content"].get<std::string>();
    if (!id) {
        if (!entry.contains("id") || !entry["id"].is_number_integer())
            return bad(path, "added token '" + token.content + "' has no integer \"id\"");
        id = entry["id"].get<int64_t>();
    }
    if (*id < 0 || *id > std::numeric_limits<int32_t>::max())
        return bad(path, "added token '" + token.content + "' has an out-of-range id");
    token.id = static_cast<int32_t>(*id);
    token.special = entry.value("special", false);
    for (const char* flag : {"lstrip", "rstrip", "single_word"}) {
        if (entry.value(flag, false))
            return make_error(ErrorKind::Unsupported,
                              path.string() + ": added token '" + token.content + "' sets " + flag +
                                  ", which this tokenizer does not implement");
    }
    return std::vector<AddedToken>{token};
}

Result<BpeModel::Vocab> vocab_from_json(const std::filesystem::path& path, const json& object) {
    if (!object.is_object()) return bad(path, "the vocab is not a JSON object {token: id}");
    BpeModel::Vocab vocab;
    vocab.reserve(object.size());
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().is_number_integer())
            return bad(path, "vocab entry '" + it.key() + "' has no integer id");
        const int64_t id = it.value().get<int64_t>();
        if (id < 0 || id > std::numeric_limits<int32_t>::max())
            return bad(path, "vocab entry '" + it.key() + "' has an out-of-range id");
        vocab.emplace_back(it.key(), static_cast<int32_t>(id));
    }
    return vocab;
}

Result<TokenizerJson> tokenizer_json_from(const std::filesystem::path& path, const json& doc) {
    TokenizerJson out;
    if (!doc.is_object() || !doc.contains("model") || !doc["model"].is_object())
        return bad(path, "no \"model\" object");
    const json& model = doc["model"];
    if (model.contains("type") && model["type"] != "BPE")
        return make_error(ErrorKind::Unsupported,
                          path.string() + ": model type " + model["type"].dump() + " is not BPE");
    if (!model.contains("vocab")) return bad(path, "model has no \"vocab\"");
    auto vocab = vocab_from_json(path, model["vocab"]);
    if (!vocab) return vocab.error();
    out.vocab = std::move(*vocab);
    if (!model.contains("merges") || !model["merges"].is_array())
        return bad(path, "model has no \"merges\" array");
    const json& merges = model["merges"];
    out.merges.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ');
            if (space == std::string::npos || space == 0 || space + 1 >= s.size() ||
                s.find(' ', space + 1) != std::string::npos)
                return bad(path, "merge " + std::to_string(i + 1) + " is not \"a b\"");
            out.merges.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            out.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            return bad(path, "merge " + std::to_string(i + 1) + " is neither \"a b\" nor [a, b]");
        }
    }
    out.ignore_merges = model.value("ignore_merges", false);
    if (model.contains("end_of_word_suffix") && model["end_of_word_suffix"].is_string())
        out.end_of_word_suffix = model["end_of_word_suffix"].get<std::string>();
    if (model.contains("unk_token") && model["unk_token"].is_string())
        out.unk_token = model["unk_token"].get<std::string>();

    if (doc.contains("added_tokens")) {
        if (!doc["added_tokens"].is_array()) return bad(path, "\"added_tokens\" is not an array");
        for (const json& entry : doc["added_tokens"]) {
            auto token = parse_added_token(path, entry, std::nullopt);
            if (!token) return token.error();
            out.added_tokens.push_back(std::move(token->front()));
        }
    }
    if (doc.contains("normalizer") && doc["normalizer"].is_object()) {
        const json& n = doc["normalizer"];
        const json* first = &n;
        if (n.value("type", "") == "Sequence" && n.contains("normalizers") &&
            n["normalizers"].is_array() && !n["normalizers"].empty())
            first = &n["normalizers"][0];
        out.nfc = first->is_object() && first->value("type", "") == "NFC";
    }
    if (doc.contains("pre_tokenizer") && doc["pre_tokenizer"].is_object()) {
        const json& p = doc["pre_tokenizer"];
        std::vector<const json*> list{&p};
        if (p.value("type", "") == "Sequence" && p.contains("pretokenizers") &&
            p["pretokenizers"].is_array()) {
            list.clear();
            for (const json& q : p["pretokenizers"])
                list.push_back(&q);
        }
        for (const json* q : list) {
            if (q->is_object() && q->value("type", "") == "Split" && q->contains("pattern") &&
                (*q)["pattern"].is_object() && (*q)["pattern"].contains("Regex") &&
                (*q)["pattern"]["Regex"].is_string()) {
                out.split_regex = (*q)["pattern"]["Regex"].get<std::string>();
                break;
            }
        }
    }
    return out;
}

}  // namespace

Result<std::string> BpeFiles::read_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return make_error(ErrorKind::Io, path.string() + ": no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, path.string() + ": " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::Io, path.string() + ": read failed");
    return buffer.str();
}

Result<BpeModel::Vocab> BpeFiles::read_vocab_json(const std::filesystem::path& path) {
    auto doc = parse_json(path);
    if (!doc) return doc.error();
    try {
        return vocab_from_json(path, *doc);
    } catch (const std::exception& e) {
        return bad(path, e.what());
    }
}

Result<BpeModel::Merges> BpeFiles::read_merges_txt(const std::filesystem::path& path,
                                                   size_t max_merges) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_merges(path, *text, max_merges, /*first_line_is_header=*/false);
}

Result<BpeModel::Merges> BpeFiles::read_openai_bpe_gz(const std::filesystem::path& path,
                                                      size_t max_merges) {
    auto packed = read_file(path);
    if (!packed) return packed.error();
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return make_error(ErrorKind::OutOfMemory, "zlib inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(packed->data());
    zs.avail_in = static_cast<uInt>(packed->size());
    std::string text;
    char chunk[1 << 16];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof(chunk);
        rc = inflate(&zs, Z_NO_FLUSH);
        text.append(chunk, sizeof(chunk) - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the stream did
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return bad(path, "not a complete gzip stream (corrupt or truncated)");
    // openai: merges = text.split('\n')[1 : 49152-256-2+1]
    return parse_merges(path, text, max_merges, /*first_line_is_header=*/true);
}

Result<std::vector<AddedToken>> BpeFiles::read_added_tokens_config(
    const std::filesystem::path& path) {
    auto doc = parse_json(path);
    if (!doc) return doc.error();
    try {
        std::vector<AddedToken> tokens;
        if (!doc->is_object()) return bad(path, "not a JSON object");
        if (!doc->contains("added_tokens_decoder")) return tokens;
        const json& decoder = (*doc)["added_tokens_decoder"];
        if (!decoder.is_object()) return bad(path, "\"added_tokens_decoder\" is not an object");
        for (auto it = decoder.begin(); it != decoder.end(); ++it) {
            int64_t id = -1;
            const std::string& key = it.key();
            const char* end = key.data() + key.size();
            char* parsed_end = nullptr;
            errno = 0;
            id = std::strtoll(key.c_str(), &parsed_end, 10);
            if (key.empty() || parsed_end != end || errno != 0)
                return bad(path, "added_tokens_decoder key '" + key + "' is not an id");
            auto token = parse_added_token(path, it.value(), id);
            if (!token) return token.error();
            tokens.push_back(std::move(token->front()));
        }
        return tokens;
    } catch (const std::exception& e) {
        return bad(path, e.what());
    }
}

Result<TokenizerJson> BpeFiles::read_tokenizer_json(const std::filesystem::path& path) {
    auto doc = parse_json(path);
    if (!doc) return doc.error();
    try {
        return tokenizer_json_from(path, *doc);
    } catch (const std::exception& e) {
        return bad(path, e.what());
    }
}

}  // namespace kinema::text
