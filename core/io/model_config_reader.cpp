#include "core/io/model_config_reader.h"

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace kinema {
namespace {

constexpr int kMaxJsonDepth = 32;
constexpr std::uint64_t kMaxConfigBytes = 16u << 20;

YAML::Node to_yaml(const nlohmann::json& j, int depth) {
    if (depth > kMaxJsonDepth) return YAML::Node(YAML::NodeType::Null);
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            YAML::Node map(YAML::NodeType::Map);
            for (const auto& [key, value] : j.items())
                map[key] = to_yaml(value, depth + 1);
            return map;
        }
        case nlohmann::json::value_t::array: {
            YAML::Node seq(YAML::NodeType::Sequence);
            for (const auto& value : j)
                seq.push_back(to_yaml(value, depth + 1));
            return seq;
        }
        case nlohmann::json::value_t::string:
            return YAML::Node(j.get<std::string>());
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            return YAML::Node(YAML::NodeType::Null);
        default:
            return YAML::Node(j.dump());  // numbers and booleans as their JSON text
    }
}

// Reads the keys of one mapping, remembering unknown keys and type errors.
class Section {
public:
    Section(const YAML::Node& node, std::string path, std::vector<std::string>& warnings,
            std::vector<std::string>& errors)
        : node_(node), path_(std::move(path)), warnings_(warnings), errors_(errors) {}

    bool has(const std::string& key) { return mark(key) && !node_[key].IsNull(); }

    template <typename T>
    void read(const std::string& key, T& out, const char* type_name) {
        if (!has(key)) return;
        try {
            out = node_[key].as<T>();
        } catch (const YAML::Exception&) {
            errors_.push_back(path_ + key + " must be " + type_name);
        }
    }
    void read_int(const std::string& key, int64_t& out) { read(key, out, "an integer"); }
    void read_double(const std::string& key, double& out) { read(key, out, "a number"); }
    void read_bool(const std::string& key, bool& out) { read(key, out, "true or false"); }
    void read_string(const std::string& key, std::string& out) { read(key, out, "a string"); }

    // Known keys whose value Kinema does not use.
    void accept(std::initializer_list<const char*> keys) {
        for (const char* key : keys)
            mark(key);
    }
    // A nested mapping (nullopt when absent; an error when present but not a mapping).
    std::optional<Section> child(const std::string& key) {
        if (!has(key)) return std::nullopt;
        if (!node_[key].IsMap()) {
            errors_.push_back(path_ + key + " must be a mapping");
            return std::nullopt;
        }
        return Section(node_[key], path_ + key + ".", warnings_, errors_);
    }
    // Call last: every key not read or accepted is reported.
    void warn_unknown() {
        for (const auto& item : node_) {
            const auto key = item.first.as<std::string>("");
            if (!seen_.count(key)) warnings_.push_back("unknown key " + path_ + key);
        }
    }
    const std::string& path() const { return path_; }

private:
    bool mark(const std::string& key) {
        seen_.insert(key);
        return node_[key].IsDefined();
    }

    const YAML::Node node_;  // const: lookups never insert keys
    std::string path_;
    std::set<std::string> seen_;
    std::vector<std::string>& warnings_;
    std::vector<std::string>& errors_;
};

void read_network(Section& s, MmditConfig& n, std::vector<std::string>& errors) {
    std::vector<std::string> missing;
    for (const char* key :
         {"feat_dim", "num_heads", "num_layers", "input_dim", "ctxt_input_dim", "vtxt_input_dim"})
        if (!s.has(key)) missing.push_back(key);
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing)
            list += (list.empty() ? "" : ", ") + m;
        errors.push_back("missing required keys in network_module_args: " + list);
    }
    s.read_int("input_dim", n.input_dim);
    s.read_int("feat_dim", n.feat_dim);
    s.read_int("num_heads", n.num_heads);
    s.read_int("num_layers", n.num_layers);
    s.read_int("ctxt_input_dim", n.ctxt_input_dim);
    s.read_int("vtxt_input_dim", n.vtxt_input_dim);
    s.read_double("mlp_ratio", n.mlp_ratio);
    s.read_double("time_factor", n.time_factor);
    s.read_string("mask_mode", n.mask_mode);
    s.read_double("narrowband_length", n.narrowband_length_s);
    s.read_bool("apply_rope_to_single_branch", n.apply_rope_to_single_branch);
    s.read_string("qk_norm_type", n.qk_norm_type);
    s.read_bool("qkv_bias", n.qkv_bias);
    s.read_string("mlp_act_type", n.mlp_act_type);
    s.read_bool("insert_start_token", n.insert_start_token);
    s.read_bool("with_long_skip_connection", n.with_long_skip_connection);
    int64_t output_dim = n.input_dim;
    s.read_int("output_dim", output_dim);
    if (output_dim != n.input_dim)
        errors.push_back("network_module_args.output_dim " + std::to_string(output_dim) +
                         " differs from input_dim " + std::to_string(n.input_dim));
    if (auto refiner = s.child("text_refiner_cfg")) {
        refiner->read_int("num_layers", n.text_refiner_layers);
        refiner->warn_unknown();
    }
    if (auto final_layer = s.child("final_layer_cfg")) {
        final_layer->read_string("act_type", n.final_act_type);
        final_layer->warn_unknown();
    }
    s.accept({"text_refiner_module", "final_layer_module", "norm_type", "dropout"});
    s.warn_unknown();

    const auto positive = [&](const char* key, int64_t v) {
        if (v <= 0) errors.push_back(std::string("network_module_args.") + key + " must be > 0");
    };
    positive("input_dim", n.input_dim);
    positive("feat_dim", n.feat_dim);
    positive("num_heads", n.num_heads);
    positive("num_layers", n.num_layers);
    positive("ctxt_input_dim", n.ctxt_input_dim);
    positive("vtxt_input_dim", n.vtxt_input_dim);
    if (n.feat_dim > 0 && n.num_heads > 0 && n.feat_dim % n.num_heads != 0)
        errors.push_back("network_module_args.feat_dim " + std::to_string(n.feat_dim) +
                         " is not a multiple of num_heads " + std::to_string(n.num_heads));
    if (!(n.mlp_ratio > 0.0)) errors.push_back("network_module_args.mlp_ratio must be > 0");
}

void read_pipeline(Section& s, PipelineConfig& p, std::vector<std::string>& errors,
                   std::vector<std::string>& warnings) {
    if (auto text = s.child("text_encoder_cfg")) {
        text->read_string("llm_type", p.llm_type);
        text->read_int("max_length_llm", p.max_length_llm);
        text->accept({"sentence_emb_type", "max_length_clip"});
        text->warn_unknown();
    }
    if (auto noise = s.child("noise_scheduler_cfg")) {
        std::string method = "euler";
        noise->read_string("method", method);
        if (method != "euler")
            warnings.push_back(noise->path() + "method '" + method +
                               "' is not euler; the solver is chosen per request");
        noise->warn_unknown();
    }
    if (auto infer = s.child("infer_noise_scheduler_cfg")) {
        infer->read_int("validation_steps", p.validation_steps);
        infer->warn_unknown();
    }
    if (auto test = s.child("test_cfg")) {
        test->read_double("text_guidance_scale", p.guidance_scale);
        test->read_double("translation_guidance_cap", p.translation_guidance_cap);
        test->accept({"mean_std_dir"});
        test->warn_unknown();
    }
    s.read_double("output_mesh_fps", p.fps);
    s.read_int("train_frames", p.train_frames);
    s.read_bool("enable_ctxt_null_feat", p.enable_ctxt_null_feat);
    s.read_bool("enable_special_game_feat", p.enable_special_game_feat);
    s.read_bool("random_generator_on_gpu", p.random_generator_on_gpu);
    s.accept({"text_encoder_module", "train_cfg", "network_module", "network_module_args"});
    s.warn_unknown();
    if (p.train_frames <= 0) errors.push_back(s.path() + "train_frames must be > 0");
    if (!(p.fps > 0.0)) errors.push_back(s.path() + "output_mesh_fps must be > 0");
    if (!(p.translation_guidance_cap >= 0.0))
        errors.push_back(s.path() + "test_cfg.translation_guidance_cap must be >= 0");
    if (p.validation_steps <= 0)
        errors.push_back(s.path() + "infer_noise_scheduler_cfg.validation_steps must be > 0");
    if (p.max_length_llm <= 0)
        errors.push_back(s.path() + "text_encoder_cfg.max_length_llm must be > 0");
}

Result<ModelConfigFile> interpret(const YAML::Node& root, bool require_network,
                                  const std::string& source) {
    if (!root.IsMap())
        return make_error(ErrorKind::BadModelFile, source + ": the top level is not a mapping");
    ModelConfigFile out;
    std::vector<std::string> errors;
    Section top(root, "", out.warnings, errors);

    const bool network_is_map =
        top.has("network_module_args") && root["network_module_args"].IsMap();
    if (network_is_map) {
        Section network(root["network_module_args"], "network_module_args.", out.warnings, errors);
        read_network(network, out.config.network, errors);
        out.has_network = true;
    } else if (require_network) {
        errors.push_back(
            "no network_module_args mapping (needs feat_dim, num_heads, num_layers, "
            "input_dim, ctxt_input_dim, vtxt_input_dim)");
    } else if (top.has("network_module_args")) {
        out.warnings.push_back("network_module_args is not a mapping; ignored");
    }
    for (const char* key : {"train_pipeline_args", "pipeline_class_kwargs"}) {
        if (!top.has(key) || out.has_pipeline) continue;
        if (auto pipeline = top.child(key)) {
            read_pipeline(*pipeline, out.config.pipeline, errors, out.warnings);
            out.has_pipeline = true;
        }
    }
    top.accept({"network_module", "train_pipeline"});
    top.warn_unknown();
    if (!errors.empty()) {
        std::string message = source + ": ";
        for (std::size_t i = 0; i < errors.size(); ++i)
            message += (i ? "; " : "") + errors[i];
        return make_error(ErrorKind::BadModelFile, message);
    }
    return out;
}

}  // namespace

Result<ModelConfigFile> parse_model_config(std::string_view text, ConfigFormat format,
                                           bool require_network, const std::string& source) {
    YAML::Node root;
    try {
        if (format == ConfigFormat::Json)
            root = to_yaml(nlohmann::json::parse(text.begin(), text.end()), 0);
        else
            root = YAML::Load(std::string(text));
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorKind::BadModelFile, source + ": invalid JSON: " + e.what());
    } catch (const YAML::Exception& e) {
        return make_error(ErrorKind::BadModelFile, source + ": invalid YAML: " + e.what());
    }
    try {
        return interpret(root, require_network, source);
    } catch (const YAML::Exception& e) {
        return make_error(ErrorKind::BadModelFile, source + ": " + e.what());
    }
}

Result<ModelConfigFile> read_model_config(const std::filesystem::path& path, bool require_network) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::Io, "cannot read " + path.string());
    if (text.str().size() > kMaxConfigBytes)
        return make_error(ErrorKind::BadModelFile, path.string() + ": larger than 16 MiB");
    const auto format = path.extension() == ".json" ? ConfigFormat::Json : ConfigFormat::Yaml;
    return parse_model_config(text.str(), format, require_network, path.string());
}

}  // namespace kinema
