// kinema-cli tokenize: token ids of text under HY-Motion's Qwen3 or CLIP tokenizer, as JSON.
//   --text T     prints {"ids":[...]} on one line (with --json: an indented report with the count)
//   --jsonl F    reads lines {"text": "..."} (F = "-" reads stdin; blank lines are skipped) and
//                prints one {"ids":[...]} line per input line, in order
// Qwen3 ids carry no added BOS/EOS; added and special tokens written in the text are matched as
// tokens. CLIP ids include <|startoftext|> and <|endoftext|>, truncated to --max-length, unpadded.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/cli_context.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/qwen_tokenizer.h"

namespace kinema::cli {
namespace {

struct TokenizeOptions {
    std::string tokenizer;
    std::string dir;
    std::optional<std::string> text;
    std::string jsonl;
    std::string clip_flavor = "slow";
    size_t max_length = text::ClipTokenizer::kMaxLength;
};

Result<std::vector<std::string>> read_jsonl_texts(const std::string& path) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return make_error(ErrorKind::Io, path + ": cannot open");
        in = &file;
    }
    std::vector<std::string> texts;
    std::string line;
    for (size_t line_no = 1; std::getline(*in, line); ++line_no) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const auto doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("text") ||
            !doc["text"].is_string())
            return make_error(ErrorKind::InvalidRequest,
                              path + ": line " + std::to_string(line_no) +
                                  " is not a JSON object with a string \"text\"");
        texts.push_back(doc["text"].get<std::string>());
    }
    if (in->bad()) return make_error(ErrorKind::Io, path + ": read failed");
    return texts;
}

// Returns the encoder for the chosen tokenizer, or an error from loading it.
Result<std::function<std::vector<int32_t>(const std::string&)>> make_encoder(
    const TokenizeOptions& o) {
    using Encoder = std::function<std::vector<int32_t>(const std::string&)>;
    if (o.tokenizer == "qwen3") {
        auto tok = text::QwenTokenizer::load(o.dir);
        if (!tok) return tok.error();
        return Encoder([tok = std::move(*tok)](const std::string& t) { return tok.encode(t); });
    }
    const auto flavor = o.clip_flavor == "fast" ? text::ClipTokenizer::Flavor::HfFast
                                                : text::ClipTokenizer::Flavor::HfSlow;
    auto tok = text::ClipTokenizer::load(o.dir, flavor);
    if (!tok) return tok.error();
    return Encoder([tok = std::move(*tok), max = o.max_length](const std::string& t) {
        return tok.encode(t, max);
    });
}

void run_tokenize(const TokenizeOptions& o, CliContext& ctx) {
    std::vector<std::string> texts;
    if (o.text) {
        texts.push_back(*o.text);
    } else {
        auto read = read_jsonl_texts(o.jsonl);
        if (!read) {
            report_error(ctx, read.error());
            return;
        }
        texts = std::move(*read);
    }
    auto encoder = make_encoder(o);
    if (!encoder) {
        report_error(ctx, encoder.error());
        return;
    }
    if (o.text && ctx.json) {
        const auto ids = (*encoder)(texts.front());
        print_json({{"tokenizer", o.tokenizer}, {"count", ids.size()}, {"ids", ids}});
        return;
    }
    for (const auto& t : texts)
        std::cout << nlohmann::json{{"ids", (*encoder)(t)}}.dump() << '\n';
    std::cout.flush();
}

}  // namespace

void add_tokenize_command(CLI::App& app, CliContext& ctx) {
    auto o = std::make_shared<TokenizeOptions>();
    auto* cmd =
        app.add_subcommand("tokenize", "Token ids of text under the Qwen3 or CLIP tokenizer");
    cmd->add_option("--tokenizer", o->tokenizer, "qwen3 or clip")
        ->required()
        ->check(CLI::IsMember({"qwen3", "clip"}));
    cmd->add_option("--dir", o->dir,
                    "Tokenizer folder: tokenizer.json or vocab.json+merges.txt(+tokenizer_config."
                    "json) for qwen3; vocab.json+merges.txt or bpe_simple_vocab_16e6.txt.gz for "
                    "clip")
        ->required();
    auto* input = cmd->add_option_group("input", "exactly one of --text and --jsonl");
    input->add_option("--text", o->text, "The text to tokenize");
    input->add_option(
        "--jsonl", o->jsonl,
        "File of {\"text\": ...} lines ('-' for stdin); prints {\"ids\": [...]} lines");
    input->require_option(1);
    cmd->add_option("--clip-flavor", o->clip_flavor,
                    "slow (HF CLIPTokenizer without ftfy, as HY-Motion; default) or fast")
        ->check(CLI::IsMember({"slow", "fast"}));
    cmd->add_option("--max-length", o->max_length, "CLIP: at most this many ids (default 77)");
    add_json_flag(*cmd, ctx);
    cmd->callback([o, &ctx] { run_tokenize(*o, ctx); });
}

}  // namespace kinema::cli
