#include "core/text/quant_error_bench.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>

#include "core/text/qwen3_layer.h"

namespace kinema::text {

std::string QuantVariant::name() const {
    if (precision != WeightPrecision::Int4) return std::string(to_string(precision));
    return "int4-" + std::string(to_string(int4_method));
}

namespace {

const char* kLinearNames[] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                              "gate_proj", "up_proj", "down_proj"};

std::array<QuantizedWeight*, 7> slots(Qwen3LayerWeights& lw) {
    return {&lw.q_proj,    &lw.k_proj,  &lw.v_proj,   &lw.o_proj,
            &lw.gate_proj, &lw.up_proj, &lw.down_proj};
}

Qwen3LayerWeights with_norms(const Qwen3Config& c) {
    Qwen3LayerWeights lw;
    lw.input_layernorm = at::ones({c.hidden_size});
    lw.post_attention_layernorm = at::ones({c.hidden_size});
    lw.q_norm = at::ones({c.head_dim});
    lw.k_norm = at::ones({c.head_dim});
    return lw;
}

// The input of linear j in the taps of one forward.
const at::Tensor& linear_input(const Qwen3LayerTaps& t, size_t j) {
    if (j < 3) return t.norm_in;
    if (j == 3) return t.attn;
    if (j < 6) return t.mlp_in;
    return t.act;
}

}  // namespace

Result<QuantBenchReport> measure_qwen3_quant_error(const QuantBenchOptions& o) {
    const Qwen3Config& c = o.config;
    if (c.num_hidden_layers < 1 || o.tokens < 1 || c.num_key_value_heads < 1 ||
        c.num_attention_heads % c.num_key_value_heads != 0 || c.head_dim % 2 != 0)
        return make_error(ErrorKind::InvalidRequest,
                          "bench quant: need >= 1 layer, >= 1 token and heads divisible by KV "
                          "heads, even head_dim");
    std::vector<QuantVariant> variants = o.variants;
    if (variants.empty())
        variants = {{WeightPrecision::Int8, kDefaultInt4Method},
                    {WeightPrecision::Int4, Int4Method::MinMax},
                    {WeightPrecision::Int4, Int4Method::AbsMax},
                    {WeightPrecision::Int4, Int4Method::MseClip}};
    QuantBenchReport report;
    report.config = c;
    report.tokens = o.tokens;
    report.seed = o.seed;
    report.weight_std = o.weight_std;
    std::vector<uint64_t> stored_bytes(variants.size(), 0);
    uint64_t weight_count = 0;
    for (const auto& v : variants) {
        QuantVariantReport r;
        r.name = v.name();
        report.variants.push_back(std::move(r));
    }
    try {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
        at::Tensor h_ref = at::normal(0.0, o.weight_std, {1, o.tokens, c.hidden_size}, gen);
        std::vector<at::Tensor> h_q(variants.size(), h_ref);
        const auto [cos, sin] = qwen3_rope_tables(c.head_dim, c.rope_theta, o.tokens);
        const at::Tensor mask = qwen3_attention_mask(at::ones({1, o.tokens}, at::kLong));
        for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
            if (o.cancel && o.cancel->load())
                return make_error(ErrorKind::Cancelled, "bench quant cancelled");
            std::vector<at::Tensor> weights;  // bf16, as a checkpoint stores them
            for (const auto& [name, shape] : qwen3_layer_linears(c, i)) {
                weights.push_back(at::normal(0.0, o.weight_std, shape, gen).to(at::kBFloat16));
                weight_count += static_cast<uint64_t>(weights.back().numel());
            }
            Qwen3LayerWeights ref = with_norms(c);
            for (size_t j = 0; j < weights.size(); ++j)
                *slots(ref)[j] = *QuantizedWeight::quantize(weights[j], WeightPrecision::BF16);
            Qwen3LayerTaps taps;
            const at::Tensor y_ref = qwen3_decoder_layer(c, ref, h_ref, cos, sin, mask, &taps);
            for (size_t v = 0; v < variants.size(); ++v) {
                Qwen3LayerWeights lw = with_norms(c);
                QuantLayerError err;
                const auto start = std::chrono::steady_clock::now();
                for (size_t j = 0; j < weights.size(); ++j) {
                    auto q = QuantizedWeight::quantize(weights[j], variants[v].precision,
                                                       variants[v].int4_method);
                    if (!q) return q.error();
                    *slots(lw)[j] = std::move(*q);
                }
                report.variants[v].quantize_seconds +=
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                for (size_t j = 0; j < weights.size(); ++j) {
                    const at::Tensor& x = linear_input(taps, j);
                    err.linear[kLinearNames[j]] =
                        relative_error(slots(lw)[j]->linear(x), slots(ref)[j]->linear(x));
                    stored_bytes[v] += slots(lw)[j]->size_bytes();
                }
                Qwen3LayerTaps q_taps;
                const at::Tensor y = qwen3_decoder_layer(c, lw, h_ref, cos, sin, mask, &q_taps);
                err.attention = relative_error(q_taps.attn_out, taps.attn_out);
                err.output = relative_error(y, y_ref);
                err.update = relative_error(y - h_ref, y_ref - h_ref);
                h_q[v] = qwen3_decoder_layer(c, lw, h_q[v], cos, sin, mask);
                err.stack = relative_error(h_q[v], y_ref);
                report.variants[v].layers.push_back(std::move(err));
            }
            h_ref = y_ref;
            if (o.on_layer) o.on_layer(i + 1, c.num_hidden_layers);
        }
        const at::Tensor ones = at::ones({c.hidden_size});
        const at::Tensor final_ref = qwen3_rms_norm(h_ref, ones, c.rms_norm_eps);
        for (size_t v = 0; v < variants.size(); ++v) {
            QuantVariantReport& r = report.variants[v];
            r.final_norm_output =
                relative_error(qwen3_rms_norm(h_q[v], ones, c.rms_norm_eps), final_ref);
            r.bytes_per_weight =
                double(stored_bytes[v]) / double(std::max<uint64_t>(1, weight_count));
            for (const auto& l : r.layers) {
                for (const auto& [name, e] : l.linear)
                    r.max_linear = std::max(r.max_linear, e);
                r.max_layer_output = std::max(r.max_layer_output, l.output);
                r.max_layer_update = std::max(r.max_layer_update, l.update);
            }
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::OutOfMemory,
                          std::string("bench quant: ") + e.what_without_backtrace());
    }
    return report;
}

nlohmann::json to_json(const QuantBenchReport& r) {
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& v : r.variants) {
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : v.layers)
            layers.push_back({{"linear", l.linear},
                              {"output", l.output},
                              {"update", l.update},
                              {"attention", l.attention},
                              {"stack", l.stack}});
        variants.push_back({{"name", v.name},
                            {"bytes_per_weight", v.bytes_per_weight},
                            {"quantize_seconds", v.quantize_seconds},
                            {"max_linear", v.max_linear},
                            {"max_layer_output", v.max_layer_output},
                            {"max_layer_update", v.max_layer_update},
                            {"final_norm_output", v.final_norm_output},
                            {"layers", layers}});
    }
    const Qwen3Config& c = r.config;
    return {{"config",
             {{"hidden_size", c.hidden_size},
              {"intermediate_size", c.intermediate_size},
              {"num_hidden_layers", c.num_hidden_layers},
              {"num_attention_heads", c.num_attention_heads},
              {"num_key_value_heads", c.num_key_value_heads},
              {"head_dim", c.head_dim}}},
            {"tokens", r.tokens},
            {"seed", r.seed},
            {"weight_std", r.weight_std},
            {"metric", "||y_q - y_bf16|| / ||y_bf16||, float32 compute"},
            {"variants", variants}};
}

}  // namespace kinema::text
