#include "core/model/model_presets.h"

#include <filesystem>

#include "core/io/model_config_reader.h"

namespace kinema {

Result<HyMotionConfig> preset_config(const std::string& name) {
    HyMotionConfig c;  // defaults are the full model's
    if (name == "full" || name == "hy-motion-1.0") {
        c.network.feat_dim = 1280;
        c.network.num_heads = 20;
        c.network.num_layers = 27;
        c.pipeline.random_generator_on_gpu = false;
        return c;
    }
    if (name == "lite" || name == "hy-motion-1.0-lite") {
        c.network.feat_dim = 1024;
        c.network.num_heads = 16;
        c.network.num_layers = 18;
        c.pipeline.random_generator_on_gpu = true;
        return c;
    }
    return make_error(ErrorKind::InvalidRequest,
                      "unknown model preset '" + name + "' (full, lite)");
}

std::vector<std::string> preset_names() {
    return {"full", "lite"};
}

Result<HyMotionConfig> resolve_model_config(const std::string& name_or_path) {
    if (auto preset = preset_config(name_or_path); preset.ok()) return preset;
    std::error_code ec;
    std::filesystem::path path(name_or_path);
    if (std::filesystem::is_directory(path, ec)) {
        for (const char* name : {"config.yml", "config.yaml", "config.json"}) {
            if (std::filesystem::exists(path / name, ec)) {
                path /= name;
                break;
            }
        }
    }
    if (!std::filesystem::is_regular_file(path, ec))
        return make_error(
            ErrorKind::InvalidRequest,
            "'" + name_or_path + "' is neither lite, full, a model folder nor a config file");
    auto file = read_model_config(path);
    if (!file) return file.error();
    return file->config;
}

int64_t pipeline_parameter_count(const MmditConfig& c) {
    return 2 * c.vtxt_input_dim + 2 * c.ctxt_input_dim + 2 * c.input_dim;
}

double mmdit_forward_flops(const MmditConfig& c, int64_t batch, int64_t motion_len,
                           int64_t text_len) {
    const double d = static_cast<double>(c.feat_dim);
    const double h = static_cast<double>(c.mlp_hidden());
    const double lm = static_cast<double>(motion_len), lt = static_cast<double>(text_len);
    const double l = lm + lt;
    double macs = 0.0;
    macs += lm * static_cast<double>(c.input_dim) * d;  // input encoder
    macs += lt * d * d;                                 // refiner input embedder
    macs += static_cast<double>(c.text_refiner_layers) *
            (lt * (4 * d * d + 2 * d * h) + 2 * lt * lt * d);
    const double per_stream_token = 4 * d * d + 2 * d * h;  // qkv, out, mlp
    macs += static_cast<double>(c.num_double_blocks()) * (l * per_stream_token + 2 * l * l * d);
    macs += static_cast<double>(c.num_single_blocks()) *
            (l * (3 * d * d + d * h + (d + h) * d) + 2 * l * l * d);
    macs += lm * d * static_cast<double>(c.input_dim);  // final layer
    return 2.0 * macs * static_cast<double>(batch);
}

}  // namespace kinema
