#include "core/text/clip_text_encoder.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <limits>

#include "core/model/attention.h"
#include "core/text/safetensors_folder.h"
#include "core/text/stable_hash.h"

namespace kinema::text {
namespace fs = std::filesystem;

namespace {
const char* const kLayerParts[] = {"layer_norm1.weight",
                                   "layer_norm1.bias",
                                   "self_attn.q_proj.weight",
                                   "self_attn.q_proj.bias",
                                   "self_attn.k_proj.weight",
                                   "self_attn.k_proj.bias",
                                   "self_attn.v_proj.weight",
                                   "self_attn.v_proj.bias",
                                   "self_attn.out_proj.weight",
                                   "self_attn.out_proj.bias",
                                   "layer_norm2.weight",
                                   "layer_norm2.bias",
                                   "mlp.fc1.weight",
                                   "mlp.fc1.bias",
                                   "mlp.fc2.weight",
                                   "mlp.fc2.bias"};
}  // namespace

std::vector<std::pair<std::string, std::vector<int64_t>>> ClipTextEncoder::expected_tensors(
    const ClipTextConfig& c) {
    const int64_t d = c.hidden_size, f = c.intermediate_size;
    std::vector<std::pair<std::string, std::vector<int64_t>>> all{
        {"text_model.embeddings.token_embedding.weight", {c.vocab_size, d}},
        {"text_model.embeddings.position_embedding.weight", {c.max_position_embeddings, d}},
        {"text_model.final_layer_norm.weight", {d}},
        {"text_model.final_layer_norm.bias", {d}}};
    const std::vector<std::vector<int64_t>> shapes{{d},    {d}, {d, d}, {d}, {d, d}, {d},
                                                   {d, d}, {d}, {d, d}, {d}, {d},    {d},
                                                   {f, d}, {f}, {d, f}, {d}};
    for (int64_t i = 0; i < c.num_hidden_layers; ++i)
        for (size_t j = 0; j < shapes.size(); ++j)
            all.push_back({"text_model.encoder.layers." + std::to_string(i) + "." + kLayerParts[j],
                           shapes[j]});
    return all;
}

std::string clip_folder_fingerprint(const fs::path& dir) {
    auto config = read_small_text_file(dir / "config.json");
    return "config=" + stable_hash_hex(config ? *config : "missing") +
           ";weights=" + weight_files_fingerprint(dir);
}

Result<ClipTextEncoder> ClipTextEncoder::load(const fs::path& dir) {
    auto config = read_clip_text_config(dir / "config.json");
    if (!config) return config.error();
    auto folder = SafetensorsFolder::open(dir);
    if (!folder) return folder.error();
    const auto expected = expected_tensors(*config);
    KINEMA_TRY_STATUS(folder->check(expected));
    ClipTextEncoder enc;
    enc.config_ = *config;
    try {
        std::vector<at::Tensor> t;
        for (const auto& [name, shape] : expected) {
            auto r = folder->tensor(name);
            if (!r) return r.error();
            t.push_back(r->to(at::kFloat));
        }
        enc.token_embedding_ = t[0];
        enc.position_embedding_ = t[1];
        enc.final_ln_w_ = t[2];
        enc.final_ln_b_ = t[3];
        for (int64_t i = 0; i < config->num_hidden_layers; ++i) {
            const at::Tensor* p = &t[4 + 16 * i];
            enc.layers_.push_back(Layer{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9],
                                        p[10], p[11], p[12], p[13], p[14], p[15]});
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::OutOfMemory,
                          std::string("loading CLIP: ") + e.what_without_backtrace());
    }
    return enc;
}

Result<ClipTextOutput> ClipTextEncoder::forward(const at::Tensor& ids,
                                                const at::Tensor& attention_mask,
                                                const std::atomic<bool>* cancel) const {
    const auto& c = config_;
    if (ids.dim() != 2 || ids.size(1) < 1 || ids.size(1) > c.max_position_embeddings)
        return make_error(ErrorKind::InvalidRequest, "CLIP: ids must be (B, L) with 1 <= L <= " +
                                                         std::to_string(c.max_position_embeddings));
    if (attention_mask.defined() && attention_mask.sizes() != ids.sizes())
        return make_error(ErrorKind::InvalidRequest, "CLIP: attention_mask must match ids");
    try {
        const at::Tensor id = ids.to(at::kLong);
        if (id.min().item<int64_t>() < 0 || id.max().item<int64_t>() >= c.vocab_size)
            return make_error(ErrorKind::InvalidRequest, "CLIP: token id out of the vocabulary");
        const int64_t b = id.size(0), len = id.size(1), h = c.num_attention_heads,
                      hd = c.head_dim();
        at::Tensor x = token_embedding_.index_select(0, id.reshape({-1})).view({b, len, -1}) +
                       position_embedding_.narrow(0, 0, len).unsqueeze(0);
        at::Tensor allowed = at::ones({len, len}, at::TensorOptions().dtype(at::kBool)).tril();
        allowed = allowed.view({1, 1, len, len});
        if (attention_mask.defined())
            allowed = at::logical_and(allowed, attention_mask.to(at::kBool).view({b, 1, 1, len}));
        const at::Tensor mask =
            at::zeros(allowed.sizes(), at::TensorOptions().dtype(at::kFloat))
                .masked_fill_(allowed.logical_not(), -std::numeric_limits<float>::infinity());
        const double eps = c.layer_norm_eps;
        for (const Layer& l : layers_) {
            if (cancel && cancel->load())
                return make_error(ErrorKind::Cancelled, "CLIP encoding cancelled");
            at::Tensor n = at::layer_norm(x, {c.hidden_size}, l.ln1_w, l.ln1_b, eps);
            const at::Tensor q = at::linear(n, l.q_w, l.q_b).view({b, len, h, hd});
            const at::Tensor k = at::linear(n, l.k_w, l.k_b).view({b, len, h, hd});
            const at::Tensor v = at::linear(n, l.v_w, l.v_b).view({b, len, h, hd});
            x = x + at::linear(masked_attention(q, k, v, mask), l.o_w, l.o_b);
            n = at::layer_norm(x, {c.hidden_size}, l.ln2_w, l.ln2_b, eps);
            at::Tensor f = at::linear(n, l.fc1_w, l.fc1_b);
            f = f * at::sigmoid(1.702 * f);
            x = x + at::linear(f, l.fc2_w, l.fc2_b);
        }
        const at::Tensor last = at::layer_norm(x, {c.hidden_size}, final_ln_w_, final_ln_b_, eps);
        const at::Tensor eos =
            c.eos_token_id == 2 ? id.argmax(-1) : id.eq(c.eos_token_id).to(at::kInt).argmax(-1);
        const at::Tensor pooled = last.index({at::arange(b, id.options()), eos});
        return ClipTextOutput{last, pooled};
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("CLIP forward: ") + e.what_without_backtrace());
    }
}

uint64_t ClipTextEncoder::size_bytes() const {
    uint64_t total = 0;
    auto add = [&](const at::Tensor& t) {
        if (t.defined()) total += t.numel() * t.element_size();
    };
    for (const at::Tensor* t :
         {&token_embedding_, &position_embedding_, &final_ln_w_, &final_ln_b_})
        add(*t);
    for (const Layer& l : layers_)
        for (const at::Tensor* t :
             {&l.ln1_w, &l.ln1_b, &l.q_w, &l.q_b, &l.k_w, &l.k_b, &l.v_w, &l.v_b, &l.o_w, &l.o_b,
              &l.ln2_w, &l.ln2_b, &l.fc1_w, &l.fc1_b, &l.fc2_w, &l.fc2_b})
            add(*t);
    return total;
}

}  // namespace kinema::text
