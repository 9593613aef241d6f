#include "core/text/text_encoder_config.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <vector>

namespace kinema::text {
namespace {

using nlohmann::json;
constexpr std::uintmax_t kMaxConfigBytes = 16u << 20;

// Reads typed keys of one JSON object, collecting every problem.
class Fields {
public:
    Fields(const json& obj, std::vector<std::string>& errors) : obj_(obj), errors_(errors) {}

    void integer(const char* key, int64_t& out, bool required, int64_t min_value = 1) {
        const json* v = find(key, required);
        if (!v) return;
        if (!v->is_number_integer()) {
            errors_.push_back(std::string(key) + " must be an integer");
            return;
        }
        out = v->get<int64_t>();
        if (out < min_value)
            errors_.push_back(std::string(key) + " must be >= " + std::to_string(min_value) +
                              " (got " + std::to_string(out) + ")");
    }
    void number(const char* key, double& out, bool required) {
        const json* v = find(key, required);
        if (!v) return;
        if (!v->is_number()) {
            errors_.push_back(std::string(key) + " must be a number");
            return;
        }
        out = v->get<double>();
        if (!(out > 0)) errors_.push_back(std::string(key) + " must be > 0");
    }
    // When present and not null, the value must be the string `expected`.
    void expect_string(const char* key, const std::string& expected) {
        const json* v = find(key, false);
        if (!v || v->is_null()) return;
        if (!v->is_string() || v->get<std::string>() != expected)
            errors_.push_back(std::string(key) + " must be \"" + expected + "\" (got " + v->dump() +
                              ")");
    }
    void expect_false_or_null(const char* key, const char* why) {
        const json* v = find(key, false);
        if (!v || v->is_null() || (v->is_boolean() && !v->get<bool>())) return;
        errors_.push_back(std::string(key) + " is not supported (" + why + ")");
    }
    const json* find(const char* key, bool required) {
        auto it = obj_.find(key);
        if (it == obj_.end()) {
            if (required) errors_.push_back(std::string("missing key ") + key);
            return nullptr;
        }
        return &*it;
    }

private:
    const json& obj_;
    std::vector<std::string>& errors_;
};

Error config_error(const std::string& source, const std::vector<std::string>& errors) {
    std::string msg = source + ": " + std::to_string(errors.size()) + " problem(s): ";
    for (size_t i = 0; i < errors.size(); ++i)
        msg += (i ? "; " : "") + errors[i];
    return make_error(ErrorKind::BadModelFile, msg);
}

Result<json> parse_object(std::string_view text, const std::string& source) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return make_error(ErrorKind::BadModelFile, source + ": not valid JSON");
    if (!j.is_object())
        return make_error(ErrorKind::BadModelFile, source + ": top level must be an object");
    return j;
}

}  // namespace

Result<std::string> read_small_text_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return make_error(ErrorKind::Io, "cannot read " + path.string() + ": " + ec.message());
    if (size > kMaxConfigBytes)
        return make_error(ErrorKind::BadModelFile, path.string() + ": larger than 16 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Result<Qwen3Config> parse_qwen3_config(std::string_view json_text, const std::string& source) {
    auto parsed = parse_object(json_text, source);
    if (!parsed) return parsed.error();
    const json& j = *parsed;
    std::vector<std::string> errors;
    Fields f(j, errors);
    Qwen3Config c;
    f.expect_string("model_type", "qwen3");
    f.integer("vocab_size", c.vocab_size, true);
    f.integer("hidden_size", c.hidden_size, true);
    f.integer("intermediate_size", c.intermediate_size, true);
    f.integer("num_hidden_layers", c.num_hidden_layers, true);
    f.integer("num_attention_heads", c.num_attention_heads, true);
    f.integer("num_key_value_heads", c.num_key_value_heads, true);
    f.number("rms_norm_eps", c.rms_norm_eps, true);
    f.integer("max_position_embeddings", c.max_position_embeddings, false);
    c.head_dim = c.num_attention_heads > 0 ? c.hidden_size / c.num_attention_heads : 0;
    if (const json* hd = f.find("head_dim", false); hd && !hd->is_null())
        f.integer("head_dim", c.head_dim, false);
    f.expect_string("hidden_act", "silu");
    f.expect_false_or_null("attention_bias", "Qwen3 has no q/k/v/o biases");
    f.expect_false_or_null("rope_scaling", "only default RoPE is implemented");
    f.expect_false_or_null("use_sliding_window", "full attention only");
    // transformers 4.x: rope_theta; 5.x: rope_parameters {rope_type, rope_theta}.
    const json* rp = f.find("rope_parameters", false);
    if (rp && rp->is_object()) {
        Fields r(*rp, errors);
        r.expect_string("rope_type", "default");
        r.number("rope_theta", c.rope_theta, true);
    } else if (rp && !rp->is_null()) {
        errors.push_back("rope_parameters must be an object");
    } else {
        f.number("rope_theta", c.rope_theta, true);
    }
    if (c.num_key_value_heads > 0 && c.num_attention_heads % c.num_key_value_heads != 0)
        errors.push_back("num_attention_heads must be a multiple of num_key_value_heads");
    if (c.head_dim % 2 != 0) errors.push_back("head_dim must be even (RoPE)");
    if (!errors.empty()) return config_error(source, errors);
    return c;
}

Result<Qwen3Config> read_qwen3_config(const std::filesystem::path& config_json) {
    auto text = read_small_text_file(config_json);
    if (!text) return text.error();
    return parse_qwen3_config(*text, config_json.string());
}

Result<ClipTextConfig> parse_clip_text_config(std::string_view json_text,
                                              const std::string& source) {
    auto parsed = parse_object(json_text, source);
    if (!parsed) return parsed.error();
    const json* obj = &*parsed;
    std::vector<std::string> errors;
    if (auto it = parsed->find("text_config"); it != parsed->end()) {
        if (!it->is_object()) return config_error(source, {"text_config must be an object"});
        obj = &*it;  // a CLIPConfig: the text tower's part
    }
    Fields f(*obj, errors);
    ClipTextConfig c;
    f.integer("vocab_size", c.vocab_size, false);
    f.integer("hidden_size", c.hidden_size, true);
    f.integer("intermediate_size", c.intermediate_size, true);
    f.integer("num_hidden_layers", c.num_hidden_layers, true);
    f.integer("num_attention_heads", c.num_attention_heads, true);
    f.integer("max_position_embeddings", c.max_position_embeddings, false);
    f.number("layer_norm_eps", c.layer_norm_eps, false);
    f.integer("eos_token_id", c.eos_token_id, false, 0);
    f.expect_string("hidden_act", "quick_gelu");
    if (c.num_attention_heads > 0 && c.hidden_size % c.num_attention_heads != 0)
        errors.push_back("hidden_size must be a multiple of num_attention_heads");
    if (!errors.empty()) return config_error(source, errors);
    return c;
}

Result<ClipTextConfig> read_clip_text_config(const std::filesystem::path& config_json) {
    auto text = read_small_text_file(config_json);
    if (!text) return text.error();
    return parse_clip_text_config(*text, config_json.string());
}

std::string Qwen3Config::to_json() const {
    json j = {{"architectures", {"Qwen3ForCausalLM"}},
              {"model_type", "qwen3"},
              {"vocab_size", vocab_size},
              {"hidden_size", hidden_size},
              {"intermediate_size", intermediate_size},
              {"num_hidden_layers", num_hidden_layers},
              {"num_attention_heads", num_attention_heads},
              {"num_key_value_heads", num_key_value_heads},
              {"head_dim", head_dim},
              {"rms_norm_eps", rms_norm_eps},
              {"rope_theta", rope_theta},
              {"rope_scaling", nullptr},
              {"max_position_embeddings", max_position_embeddings},
              {"hidden_act", "silu"},
              {"attention_bias", false},
              {"tie_word_embeddings", false},
              {"bos_token_id", 151643},
              {"eos_token_id", 151645}};
    return j.dump(2);
}

std::string ClipTextConfig::to_json() const {
    json j = {{"architectures", {"CLIPTextModel"}},
              {"model_type", "clip_text_model"},
              {"vocab_size", vocab_size},
              {"hidden_size", hidden_size},
              {"intermediate_size", intermediate_size},
              {"num_hidden_layers", num_hidden_layers},
              {"num_attention_heads", num_attention_heads},
              {"max_position_embeddings", max_position_embeddings},
              {"layer_norm_eps", layer_norm_eps},
              {"hidden_act", "quick_gelu"},
              {"bos_token_id", 49406},
              {"eos_token_id", eos_token_id},
              {"pad_token_id", 49407}};
    return j.dump(2);
}

}  // namespace kinema::text
