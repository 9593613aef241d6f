// HyMotionMmdit: HY-Motion-1.0's flow-matching denoiser (HunyuanMotionMMDiT, spec §2), one class
// for Full, Lite, the fixtures and kinema-tiny (sizes from MmditConfig). Modules mirror the
// checkpoint key tree under "motion_transformer.", so weights bind by name.
//
// Work split: prepare() does everything that depends only on the text and the masks (projections,
// pooled context, masks, RoPE tables) once per run; forward() is the per-step part. Both are const
// and may be called from one worker thread at a time (libtorch InferenceMode is per thread).
// Trimming: pass only the valid motion frames / text tokens and keep text_position_offset at the
// untrimmed motion length (360) - the result on valid rows is then exactly the untrimmed one.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/dit_block_hook.h"
#include "core/model/mmdit_config.h"
#include "core/model/parameter_registry.h"
#include "core/model/stream_blocks.h"
#include "core/model/timestep_encoder.h"
#include "core/model/token_refiner.h"
#include "core/result.h"

namespace kinema {

class RotaryTable;

struct MmditCondition {
    at::Tensor ctxt_input;    // (B, Lt, ctxt_input_dim) token features (Qwen3 hidden states)
    at::Tensor vtxt_input;    // (B, 1, vtxt_input_dim) pooled sentence vector (CLIP)
    at::Tensor motion_valid;  // (B, Lm) bool, true = valid frame
    at::Tensor text_valid;    // (B, Lt) bool, true = valid token
    int64_t text_position_offset = -1;  // RoPE position of text token 0; < 0 means Lm
};

struct PreparedCondition {
    at::Tensor vtxt_feat;             // vtxt_encoder(vtxt), (B, 1, D)
    TokenRefiner::Prepared refiner;   // t-independent refiner inputs
    JointAttentionContext attention;  // joint mask + RoPE tables
    int64_t batch = 0, motion_len = 0, text_len = 0;
};

// The forward split at the block stack, for TeaCache (core/sampling/teacache.h): entry() runs
// only the always-resident head (input encoder, timestep + vtxt adapter), so a skip decision can
// be made before any streamed block is touched.
struct DitEntry {
    at::Tensor motion;       // (B, Lm, D) input_encoder(x)
    at::Tensor adapter_act;  // (B, 1, D) SiLU(timestep_encoder(t) + vtxt_feat)
    at::Tensor t;            // (B,) float32 on the device
};

class HyMotionMmdit {
public:
    // Rejects configs this implementation does not support (start token, long skip, odd heads).
    static Result<std::unique_ptr<HyMotionMmdit>> create(const MmditConfig& config);
    ~HyMotionMmdit();
    HyMotionMmdit(const HyMotionMmdit&) = delete;
    HyMotionMmdit& operator=(const HyMotionMmdit&) = delete;

    // Binds every DiT weight from `tensors[prefix + key]`; lists all mismatches at once.
    Status load_weights(const std::map<std::string, at::Tensor>& tensors, const std::string& prefix,
                        const BindOptions& options);
    void init_random_weights(uint64_t seed, const BindOptions& options);

    Result<PreparedCondition> prepare(const MmditCondition& condition) const;

    // x: (B, Lm, input_dim), t: (B,) float in [0, 1). Returns the velocity (B, Lm, input_dim) in
    // the weights' dtype.
    Result<at::Tensor> forward(const at::Tensor& x, const at::Tensor& t,
                               const PreparedCondition& prepared) const;

    // The same forward in stages: exit(run_blocks(entry(...))) == forward(...), bit for bit.
    // Shapes are checked by forward() only; these throw c10::Error on misuse (callers catch).
    DitEntry entry(const at::Tensor& x, const at::Tensor& t,
                   const PreparedCondition& prepared) const;
    // The first double block's modulated motion input: TeaCache's change indicator.
    at::Tensor teacache_indicator(const DitEntry& entry) const;
    // Refiner + every double and single block; returns the motion rows (B, Lm, D) after the stack.
    at::Tensor run_blocks(const DitEntry& entry, const PreparedCondition& prepared) const;
    // Final layer on the motion rows -> velocity (B, Lm, input_dim).
    at::Tensor exit(const at::Tensor& motion_out, const DitEntry& entry) const;

    // Block streaming: `hook` (non-owning, null = none) is called around every block of
    // run_blocks() and before teacache_indicator(); it must outlive its installation. Set and
    // cleared by the engine's worker thread between forwards.
    void set_block_hook(DitBlockHook* hook) { hook_ = hook; }
    DitBlockHook* block_hook() const { return hook_; }
    // Where inputs and activations go when a hook provides the weights on another device (CUDA
    // streaming of weights bound on the CPU). Same thread rules as set_block_hook().
    void set_compute_device(at::Device device) { device_ = device; }
    // Double blocks then single blocks: the k of DitBlockHook.
    int64_t num_blocks() const {
        return static_cast<int64_t>(double_blocks_.size() + single_blocks_.size());
    }

    const MmditConfig& config() const { return config_; }
    const ParameterRegistry& registry() const { return registry_; }
    at::ScalarType dtype() const { return dtype_; }
    at::Device device() const { return device_; }

private:
    explicit HyMotionMmdit(const MmditConfig& config);
    at::Tensor forward_impl(const at::Tensor& x, const at::Tensor& t,
                            const PreparedCondition& p) const;
    at::Tensor run_blocks_impl(const DitEntry& entry, const PreparedCondition& prepared) const;

    MmditConfig config_;
    DitBlockHook* hook_ = nullptr;
    ParameterRegistry registry_;
    Linear input_encoder_, ctxt_encoder_, vtxt0_, vtxt2_;
    TimestepEncoder timestep_encoder_;
    TokenRefiner refiner_;
    std::vector<DoubleStreamBlock> double_blocks_;
    std::vector<SingleStreamBlock> single_blocks_;
    FinalLayer final_layer_;
    std::unique_ptr<RotaryTable> rope_;
    at::ScalarType dtype_ = at::kFloat;
    at::Device device_ = at::Device(at::kCPU);
};

}  // namespace kinema
