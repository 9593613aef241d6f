#include "core/text/qwen3_encoder.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "core/io/safetensors_file.h"
#include "core/text/qwen3_quant_cache.h"
#include "core/text/safetensors_folder.h"
#include "core/text/stable_hash.h"

namespace kinema::text {
namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::vector<int64_t>>> expected_tensors(const Qwen3Config& c) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> all{
        {"model.embed_tokens.weight", {c.vocab_size, c.hidden_size}},
        {"model.norm.weight", {c.hidden_size}}};
    for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
        for (auto& e : qwen3_layer_linears(c, i))
            all.push_back(std::move(e));
        for (auto& e : qwen3_layer_norms(c, i))
            all.push_back(std::move(e));
    }
    return all;
}

Result<at::Tensor> float_tensor(const SafetensorsFolder& folder, const std::string& name) {
    auto t = folder.tensor(name);
    if (!t) return t.error();
    return t->to(at::kFloat);
}

}  // namespace

std::string qwen3_folder_fingerprint(const fs::path& dir) {
    auto config = read_small_text_file(dir / "config.json");
    return "config=" + stable_hash_hex(config ? *config : "missing") +
           ";weights=" + weight_files_fingerprint(dir);
}

Result<Qwen3Encoder> Qwen3Encoder::load(const fs::path& dir, const Qwen3LoadOptions& options) {
    auto config = read_qwen3_config(dir / "config.json");
    if (!config) return config.error();
    auto folder = SafetensorsFolder::open(dir);
    if (!folder) return folder.error();
    KINEMA_TRY_STATUS(folder->check(expected_tensors(*config)));

    std::optional<Qwen3QuantCache> cache;
    const bool quantised =
        options.precision == WeightPrecision::Int8 || options.precision == WeightPrecision::Int4;
    std::error_code ec;
    if (quantised && !options.quant_cache.empty() && fs::exists(options.quant_cache, ec)) {
        auto opened = Qwen3QuantCache::open(options.quant_cache, dir, options.precision);
        if (!opened) return opened.error();
        cache.emplace(std::move(*opened));
    }

    Qwen3Encoder enc;
    enc.config_ = *config;
    enc.precision_ = options.precision;
    try {
        auto embed = folder->tensor("model.embed_tokens.weight");
        if (!embed) return embed.error();
        enc.embed_tokens_ = *embed;
        auto norm = float_tensor(*folder, "model.norm.weight");
        if (!norm) return norm.error();
        enc.final_norm_ = *norm;
        const int64_t n_layers = config->num_hidden_layers;
        enc.layers_.resize(n_layers);
        for (int64_t i = 0; i < n_layers; ++i) {
            if (options.cancel && options.cancel->load())
                return make_error(ErrorKind::Cancelled, "Qwen3 loading cancelled");
            Qwen3LayerWeights& lw = enc.layers_[i];
            QuantizedWeight* linears[] = {&lw.q_proj,    &lw.k_proj,  &lw.v_proj,   &lw.o_proj,
                                          &lw.gate_proj, &lw.up_proj, &lw.down_proj};
            const auto names = qwen3_layer_linears(*config, i);
            for (size_t j = 0; j < names.size(); ++j) {
                Result<QuantizedWeight> q = cache ? cache->weight(names[j].first, names[j].second)
                                                  : Result<QuantizedWeight>(QuantizedWeight{});
                if (!cache) {
                    auto t = folder->tensor(names[j].first);
                    if (!t) return t.error();
                    q = QuantizedWeight::quantize(*t, options.precision);
                }
                if (!q) return q.error();
                *linears[j] = std::move(*q);
            }
            at::Tensor* norms[] = {&lw.input_layernorm, &lw.post_attention_layernorm, &lw.q_norm,
                                   &lw.k_norm};
            const auto norm_names = qwen3_layer_norms(*config, i);
            for (size_t j = 0; j < norm_names.size(); ++j) {
                auto t = float_tensor(*folder, norm_names[j].first);
                if (!t) return t.error();
                *norms[j] = *t;
            }
            if (options.on_progress) options.on_progress(i + 1, n_layers);
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::OutOfMemory,
                          std::string("loading Qwen3: ") + e.what_without_backtrace());
    }
    return enc;
}

Result<at::Tensor> Qwen3Encoder::forward(const at::Tensor& ids, const at::Tensor& attention_mask,
                                         const std::atomic<bool>* cancel,
                                         const LayerProgress& on_layer, at::Device device) const {
    if (ids.dim() != 2 || attention_mask.sizes() != ids.sizes())
        return make_error(ErrorKind::InvalidRequest, "Qwen3: ids and mask must both be (B, L)");
    try {
        const at::Tensor flat = ids.to(at::kLong).cpu().reshape({-1});
        if (flat.numel() > 0 &&
            (flat.min().item<int64_t>() < 0 || flat.max().item<int64_t>() >= config_.vocab_size))
            return make_error(ErrorKind::InvalidRequest, "Qwen3: token id out of the vocabulary");
        at::Tensor hidden = embed_tokens_.index_select(0, flat)
                                .to(at::kFloat)
                                .view({ids.size(0), ids.size(1), config_.hidden_size})
                                .to(device);
        auto [cos, sin] = qwen3_rope_tables(config_.head_dim, config_.rope_theta, ids.size(1));
        cos = cos.to(device);
        sin = sin.to(device);
        const at::Tensor mask = qwen3_attention_mask(attention_mask.cpu()).to(device);
        const int64_t n = static_cast<int64_t>(layers_.size());
        for (int64_t i = 0; i < n; ++i) {
            if (cancel && cancel->load())
                return make_error(ErrorKind::Cancelled, "Qwen3 encoding cancelled");
            hidden = qwen3_decoder_layer(config_, layers_[i], hidden, cos, sin, mask);
            if (on_layer) on_layer(i + 1, n);
        }
        return qwen3_rms_norm(hidden, final_norm_, config_.rms_norm_eps);
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("Qwen3 forward: ") + e.what_without_backtrace());
    }
}

uint64_t Qwen3Encoder::size_bytes() const {
    uint64_t total = 0;
    for (const auto& l : layers_)
        total += l.size_bytes();
    for (const at::Tensor* t : {&embed_tokens_, &final_norm_})
        if (t->defined()) total += t->numel() * t->element_size();
    return total;
}

}  // namespace kinema::text
