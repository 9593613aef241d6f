#include "core/text/qwen3_quant_cache.h"

#include <ATen/ATen.h>

#include "core/io/safetensors_writer.h"
#include "core/text/safetensors_folder.h"

namespace kinema::text {
namespace fs = std::filesystem;

Result<Qwen3QuantCache> Qwen3QuantCache::open(const fs::path& file, const fs::path& qwen_dir,
                                              WeightPrecision precision) {
    auto f = SafetensorsFile::open(file);
    if (!f) return f.error();
    const auto& meta = f->metadata();
    auto get = [&](const char* key) {
        auto it = meta.find(key);
        return it == meta.end() ? std::string() : it->second;
    };
    const std::string format = get("kinema.format");
    if (format != kFormat && format != kFormatV1)
        return make_error(ErrorKind::BadModelFile,
                          file.string() + ": not a Kinema Qwen3 quantisation cache");
    if (get("kinema.precision") != to_string(precision))
        return make_error(ErrorKind::InvalidRequest,
                          file.string() + ": holds " + get("kinema.precision") + " weights, not " +
                              std::string(to_string(precision)));
    if (precision == WeightPrecision::Int4) {
        const std::string method = format == kFormatV1 ? "minmax" : get("kinema.int4_method");
        if (method != to_string(kDefaultInt4Method))
            return make_error(ErrorKind::InvalidRequest,
                              file.string() + ": int4 codes chosen by '" + method +
                                  "', this version uses '" +
                                  std::string(to_string(kDefaultInt4Method)) +
                                  "' (run kinema-cli quantize again)");
    }
    if (get("kinema.source") != qwen3_folder_fingerprint(qwen_dir))
        return make_error(ErrorKind::InvalidRequest,
                          file.string() + ": made from other weights than " + qwen_dir.string() +
                              " (run kinema-cli quantize again)");
    return Qwen3QuantCache(std::move(*f), precision);
}

Result<QuantizedWeight> Qwen3QuantCache::weight(const std::string& name,
                                                const std::vector<int64_t>& shape) const {
    auto part = [&](const char* suffix) -> at::Tensor {
        const std::string key = name + suffix;
        if (!file_.contains(key)) return {};
        auto t = file_.tensor(key);
        return t ? *t : at::Tensor();
    };
    auto q = QuantizedWeight::from_parts(precision_, shape.at(0), shape.at(1), part(".q"),
                                         part(".scale"), part(".offset"));
    if (!q) return make_error(q.error().kind, name + ": " + q.error().message);
    return q;
}

Status write_qwen3_quant_cache(const fs::path& qwen_dir, WeightPrecision precision,
                               const fs::path& out, const LayerProgress& on_progress,
                               const std::atomic<bool>* cancel) {
    if (precision != WeightPrecision::Int8 && precision != WeightPrecision::Int4)
        return make_error(ErrorKind::InvalidRequest, "quantize: precision must be int8 or int4");
    auto config = read_qwen3_config(qwen_dir / "config.json");
    if (!config) return config.error();
    auto folder = SafetensorsFolder::open(qwen_dir);
    if (!folder) return folder.error();
    std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
    for (int64_t i = 0; i < config->num_hidden_layers; ++i)
        for (auto& e : qwen3_layer_linears(*config, i))
            expected.push_back(std::move(e));
    KINEMA_TRY_STATUS(folder->check(expected));

    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (int64_t i = 0; i < config->num_hidden_layers; ++i) {
        if (cancel && cancel->load()) return make_error(ErrorKind::Cancelled, "quantize cancelled");
        for (const auto& [name, shape] : qwen3_layer_linears(*config, i)) {
            auto t = folder->tensor(name);
            if (!t) return t.error();
            auto q = QuantizedWeight::quantize(*t, precision);
            if (!q) return q.error();
            tensors.emplace_back(name + ".q", q->data());
            tensors.emplace_back(name + ".scale", q->scale());
            if (q->offset().defined()) tensors.emplace_back(name + ".offset", q->offset());
        }
        if (on_progress) on_progress(i + 1, config->num_hidden_layers);
    }
    std::map<std::string, std::string> metadata{
        {"kinema.format", Qwen3QuantCache::kFormat},
        {"kinema.precision", std::string(to_string(precision))},
        {"kinema.source", qwen3_folder_fingerprint(qwen_dir)}};
    if (precision == WeightPrecision::Int4)
        metadata["kinema.int4_method"] = std::string(to_string(kDefaultInt4Method));
    return write_safetensors(out, tensors, metadata);
}

}  // namespace kinema::text
