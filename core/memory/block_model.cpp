#include "core/memory/block_model.h"

#include <map>
#include <string>

#include "core/model/hymotion_mmdit.h"
#include "core/model/model_presets.h"

namespace kinema {
namespace {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s) {
    int64_t n = 1;
    for (int64_t d : s)
        n *= d;
    return n;
}

// "double_blocks.3.motion_qkv.weight" -> "double_blocks.3"; anything else -> "" (the head).
std::string block_key(const std::string& key, BlockRole& role) {
    for (const auto& [prefix, r] :
         {std::pair<std::string, BlockRole>{"double_blocks.", BlockRole::DoubleBlock},
          std::pair<std::string, BlockRole>{"single_blocks.", BlockRole::SingleBlock}}) {
        if (key.rfind(prefix, 0) != 0) continue;
        const size_t dot = key.find('.', prefix.size());
        role = r;
        return key.substr(0, dot);
    }
    role = BlockRole::Head;
    return "";
}

void add_tensor(WeightBlock& b, const Shape& shape, WeightPrecision p) {
    b.parameters += numel(shape);
    b.size_bytes += tensor_storage_bytes(shape, p);
}

}  // namespace

Result<std::vector<WeightBlock>> dit_blocks(const MmditConfig& c, WeightPrecision p,
                                            const DitWorkload& w) {
    if (p == WeightPrecision::Int8 || p == WeightPrecision::Int4)
        return make_error(ErrorKind::Unsupported,
                          "the DiT is kept in fp32/bf16/fp16 (no int8/int4)");
    if (w.batch < 1 || w.motion_frames < 1 || w.text_tokens < 1)
        return make_error(ErrorKind::InvalidRequest,
                          "DiT workload needs batch, frames, tokens >= 1");
    auto model = HyMotionMmdit::create(c);
    if (!model) return model.error();

    std::vector<WeightBlock> blocks;
    WeightBlock head;
    head.name = "dit.head";
    head.role = BlockRole::Head;
    head.always_resident = true;
    blocks.push_back(head);
    std::map<std::string, size_t> index;  // block key -> position in `blocks`
    for (const auto& e : (*model)->registry().entries()) {
        BlockRole role = BlockRole::Head;
        const std::string key = block_key(e.key, role);
        if (key.empty()) {
            add_tensor(blocks.front(), e.shape, p);
            continue;
        }
        auto [it, inserted] = index.emplace(key, blocks.size());
        if (inserted) {
            WeightBlock b;
            b.name = "dit." + key;
            b.role = role;
            blocks.push_back(b);
        }
        add_tensor(blocks[it->second], e.shape, p);
    }

    // Per-block FLOPs with the same terms as mmdit_forward_flops; the head gets the rest.
    const double d = static_cast<double>(c.feat_dim), h = static_cast<double>(c.mlp_hidden());
    const double l = static_cast<double>(w.motion_frames + w.text_tokens);
    const double batch = static_cast<double>(w.batch);
    const double attn = 2 * l * l * d;
    const double dbl = 2.0 * batch * (l * (4 * d * d + 2 * d * h) + attn);
    const double sgl = 2.0 * batch * (l * (3 * d * d + d * h + (d + h) * d) + attn);
    const double total = mmdit_forward_flops(c, w.batch, w.motion_frames, w.text_tokens);
    double blocks_flops = 0;
    for (auto& b : blocks) {
        if (b.role == BlockRole::DoubleBlock) b.flops = dbl;
        if (b.role == BlockRole::SingleBlock) b.flops = sgl;
        blocks_flops += b.flops;
    }
    blocks.front().flops = total - blocks_flops;
    return blocks;
}

std::vector<WeightBlock> qwen3_blocks(const Qwen3Shape& s, WeightPrecision p, int64_t tokens) {
    std::vector<WeightBlock> blocks;
    const double t = static_cast<double>(tokens);

    WeightBlock embed;
    embed.name = "qwen3.embed_tokens";
    embed.part = ModelPart::Qwen3;
    embed.role = BlockRole::Embedding;
    embed.host_only = true;
    add_tensor(embed, {s.vocab_size, s.hidden_size}, p);
    blocks.push_back(embed);

    const int64_t q_out = s.num_attention_heads * s.head_dim,
                  kv_out = s.num_key_value_heads * s.head_dim;
    for (int64_t i = 0; i < s.num_hidden_layers; ++i) {
        WeightBlock b;
        b.name = "qwen3.layers." + std::to_string(i);
        b.part = ModelPart::Qwen3;
        b.role = BlockRole::DecoderLayer;
        add_tensor(b, {s.hidden_size}, p);                       // input_layernorm
        add_tensor(b, {q_out, s.hidden_size}, p);                // q_proj (no bias in Qwen3)
        add_tensor(b, {kv_out, s.hidden_size}, p);               // k_proj
        add_tensor(b, {kv_out, s.hidden_size}, p);               // v_proj
        add_tensor(b, {s.hidden_size, q_out}, p);                // o_proj
        add_tensor(b, {s.head_dim}, p);                          // q_norm
        add_tensor(b, {s.head_dim}, p);                          // k_norm
        add_tensor(b, {s.hidden_size}, p);                       // post_attention_layernorm
        add_tensor(b, {s.intermediate_size, s.hidden_size}, p);  // gate_proj
        add_tensor(b, {s.intermediate_size, s.hidden_size}, p);  // up_proj
        add_tensor(b, {s.hidden_size, s.intermediate_size}, p);  // down_proj
        const double matmul_params =
            static_cast<double>(2 * q_out * s.hidden_size + 2 * kv_out * s.hidden_size +
                                3 * s.intermediate_size * s.hidden_size);
        b.flops = 2.0 * (t * matmul_params + 2.0 * t * t * static_cast<double>(q_out));
        blocks.push_back(b);
    }

    WeightBlock norm;
    norm.name = "qwen3.norm";
    norm.part = ModelPart::Qwen3;
    norm.role = BlockRole::Head;
    norm.always_resident = true;
    add_tensor(norm, {s.hidden_size}, p);
    blocks.push_back(norm);
    return blocks;
}

std::vector<WeightBlock> clip_text_blocks(WeightPrecision p, int64_t tokens) {
    constexpr int64_t kVocab = 49408, kPositions = 77, kWidth = 768, kLayers = 12, kMlp = 3072;
    WeightBlock b;
    b.name = "clip.text_model";
    b.part = ModelPart::Clip;
    b.role = BlockRole::Encoder;
    add_tensor(b, {kVocab, kWidth}, p);
    add_tensor(b, {kPositions, kWidth}, p);
    for (int64_t i = 0; i < kLayers; ++i) {
        for (int j = 0; j < 4; ++j) {  // q, k, v, out_proj
            add_tensor(b, {kWidth, kWidth}, p);
            add_tensor(b, {kWidth}, p);
        }
        for (int j = 0; j < 4; ++j)
            add_tensor(b, {kWidth}, p);  // layer_norm1/2 weight + bias
        add_tensor(b, {kMlp, kWidth}, p);
        add_tensor(b, {kMlp}, p);
        add_tensor(b, {kWidth, kMlp}, p);
        add_tensor(b, {kWidth}, p);
    }
    add_tensor(b, {kWidth}, p);  // final_layer_norm
    add_tensor(b, {kWidth}, p);
    const double t = static_cast<double>(tokens), d = kWidth;
    b.flops = 2.0 * static_cast<double>(kLayers) * (t * (4 * d * d + 2 * d * kMlp) + 2 * t * t * d);
    return {b};
}

}  // namespace kinema
