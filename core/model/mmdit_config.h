// Typed configuration of HY-Motion's MMDiT and its sampling pipeline. Filled from the official
// config.yml (`network_module_args`, `train_pipeline_args`) or a JSON with the same objects (the
// fixture sidecars, kinema-tiny). Defaults are the official code defaults (spec §2.1, §6).
#pragma once

#include <cstdint>
#include <string>

namespace kinema {

struct MmditConfig {
    int64_t input_dim = 201;  // == output_dim
    int64_t feat_dim = 1280;  // D
    int64_t num_heads = 20;   // head_dim = feat_dim / num_heads (64 in every shipped config)
    int64_t num_layers = 27;  // num_layers/3 double blocks, the rest single blocks
    double mlp_ratio = 4.0;
    int64_t ctxt_input_dim = 4096;  // Qwen3-8B hidden size
    int64_t vtxt_input_dim = 768;   // CLIP-L pooled size
    double time_factor = 1000.0;
    std::string mask_mode = "narrowband";
    double narrowband_length_s = 2.0;
    bool apply_rope_to_single_branch = false;  // false: RoPE over [motion ; text] (shipped)
    std::string qk_norm_type = "rms";
    bool qkv_bias = true;
    std::string mlp_act_type = "gelu_tanh";
    std::string final_act_type = "silu";
    int64_t text_refiner_layers = 2;
    bool insert_start_token = false;         // only false is supported
    bool with_long_skip_connection = false;  // only false is supported

    int64_t head_dim() const { return feat_dim / num_heads; }
    int64_t num_double_blocks() const { return num_layers / 3; }
    int64_t num_single_blocks() const { return num_layers - num_layers / 3; }
    int64_t mlp_hidden() const {
        return static_cast<int64_t>(static_cast<double>(feat_dim) * mlp_ratio);
    }
};

// HY-Motion's official guidance scale (test_cfg.text_guidance_scale): the default of every model
// that does not recommend its own.
inline constexpr double kOfficialCfgScale = 5.0;

struct PipelineConfig {
    int64_t train_frames = 360;  // the DiT's motion length; noise is always drawn at this length
    double fps = 30.0;           // output_mesh_fps
    int64_t validation_steps = 50;
    double guidance_scale = kOfficialCfgScale;  // test_cfg.text_guidance_scale
    // Kinema extension (test_cfg.translation_guidance_cap, kinema-tiny folders): > 0 caps the
    // guidance scale of the 3 root-translation channels at this value; 0 (official) = no cap.
    double translation_guidance_cap = 0.0;
    bool enable_ctxt_null_feat = true;
    bool enable_special_game_feat = true;
    bool random_generator_on_gpu = false;
    int64_t max_length_llm = 128;  // text_encoder_cfg.max_length_llm
    std::string llm_type = "qwen3";
};

struct HyMotionConfig {
    MmditConfig network;
    PipelineConfig pipeline;
};

}  // namespace kinema
