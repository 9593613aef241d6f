#include "core/model/hymotion_mmdit.h"

#include <ATen/ATen.h>

#include <cmath>
#include <sstream>

#include "core/model/attention.h"
#include "core/model/attention_masks.h"

namespace kinema {
namespace {

constexpr int64_t kRopeMaxPositions = 5000;

std::string shape_of(const at::Tensor& t) {
    if (!t.defined()) return "undefined";
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

Error from_c10(const c10::Error& err, const char* what) {
    const std::string msg = err.what_without_backtrace();
    const bool oom = msg.find("out of memory") != std::string::npos ||
                     msg.find("DefaultCPUAllocator") != std::string::npos;
    return make_error(oom ? ErrorKind::OutOfMemory : ErrorKind::Internal,
                      std::string(what) + ": " + msg);
}

}  // namespace

Result<std::unique_ptr<HyMotionMmdit>> HyMotionMmdit::create(const MmditConfig& c) {
    std::vector<std::string> problems;
    if (c.num_heads <= 0 || c.feat_dim % c.num_heads != 0)
        problems.push_back("feat_dim % num_heads != 0");
    if (c.head_dim() % 2 != 0) problems.push_back("head_dim must be even for RoPE");
    if (c.num_layers <= 0 || c.num_layers % 3 != 0)
        problems.push_back("num_layers must be a positive multiple of 3");
    if (c.insert_start_token) problems.push_back("insert_start_token is not supported");
    if (c.with_long_skip_connection)
        problems.push_back("with_long_skip_connection is not supported");
    if (c.apply_rope_to_single_branch)
        problems.push_back("apply_rope_to_single_branch=true is not supported");
    if (c.mask_mode != "narrowband" && c.mask_mode != "none")
        problems.push_back("mask_mode " + c.mask_mode);
    if (c.qk_norm_type != "rms") problems.push_back("qk_norm_type " + c.qk_norm_type);
    if (c.mlp_act_type != "gelu_tanh") problems.push_back("mlp_act_type " + c.mlp_act_type);
    if (!c.qkv_bias) problems.push_back("qkv_bias=false is not supported");
    if (!problems.empty()) {
        std::string msg = "unsupported MMDiT config:";
        for (const auto& p : problems)
            msg += "\n  " + p;
        return make_error(ErrorKind::Unsupported, msg);
    }
    return std::unique_ptr<HyMotionMmdit>(new HyMotionMmdit(c));
}

HyMotionMmdit::HyMotionMmdit(const MmditConfig& c) : config_(c) {
    const int64_t d = c.feat_dim;
    const int64_t hidden = c.mlp_hidden();
    input_encoder_.declare(registry_, "input_encoder", c.input_dim, d);
    ctxt_encoder_.declare(registry_, "ctxt_encoder", c.ctxt_input_dim, d);
    vtxt0_.declare(registry_, "vtxt_encoder.linears.0", c.vtxt_input_dim, d);
    vtxt2_.declare(registry_, "vtxt_encoder.linears.2", d, d);
    timestep_encoder_.declare(registry_, "timestep_encoder", d, c.time_factor);
    refiner_.declare(registry_, "text_refiner", d, c.num_heads, c.text_refiner_layers, c.mlp_ratio);
    double_blocks_.resize(static_cast<size_t>(c.num_double_blocks()));
    for (size_t i = 0; i < double_blocks_.size(); ++i)
        double_blocks_[i].declare(registry_, "double_blocks." + std::to_string(i), d, hidden,
                                  c.head_dim());
    single_blocks_.resize(static_cast<size_t>(c.num_single_blocks()));
    for (size_t i = 0; i < single_blocks_.size(); ++i)
        single_blocks_[i].declare(registry_, "single_blocks." + std::to_string(i), d, hidden,
                                  c.head_dim());
    final_layer_.declare(registry_, "final_layer", d, c.input_dim);
    rope_ = std::make_unique<RotaryTable>(c.head_dim(), kRopeMaxPositions);
}

HyMotionMmdit::~HyMotionMmdit() = default;

Status HyMotionMmdit::load_weights(const std::map<std::string, at::Tensor>& tensors,
                                   const std::string& prefix, const BindOptions& options) {
    KINEMA_TRY_STATUS(registry_.bind(tensors, prefix, options));
    dtype_ = options.dtype;
    device_ = options.device;
    return {};
}

void HyMotionMmdit::init_random_weights(uint64_t seed, const BindOptions& options) {
    registry_.init_random(seed, 0.02, options);
    dtype_ = options.dtype;
    device_ = options.device;
}

Result<PreparedCondition> HyMotionMmdit::prepare(const MmditCondition& c) const {
    std::vector<std::string> bad;
    const bool have_all = c.ctxt_input.defined() && c.vtxt_input.defined() &&
                          c.motion_valid.defined() && c.text_valid.defined();
    if (!have_all)
        return make_error(ErrorKind::InvalidRequest, "MmditCondition has undefined tensors");
    const int64_t b = c.ctxt_input.dim() == 3 ? c.ctxt_input.size(0) : -1;
    const int64_t lt = c.ctxt_input.dim() == 3 ? c.ctxt_input.size(1) : -1;
    if (c.ctxt_input.dim() != 3 || c.ctxt_input.size(2) != config_.ctxt_input_dim)
        bad.push_back("ctxt_input " + shape_of(c.ctxt_input) + ", expected [B, Lt, " +
                      std::to_string(config_.ctxt_input_dim) + "]");
    if (c.vtxt_input.dim() != 3 || c.vtxt_input.size(0) != b || c.vtxt_input.size(1) != 1 ||
        c.vtxt_input.size(2) != config_.vtxt_input_dim)
        bad.push_back("vtxt_input " + shape_of(c.vtxt_input) + ", expected [" + std::to_string(b) +
                      ", 1, " + std::to_string(config_.vtxt_input_dim) + "]");
    if (c.motion_valid.dim() != 2 || c.motion_valid.size(0) != b)
        bad.push_back("motion_valid " + shape_of(c.motion_valid) + ", expected [" +
                      std::to_string(b) + ", Lm]");
    if (c.text_valid.dim() != 2 || c.text_valid.size(0) != b || c.text_valid.size(1) != lt)
        bad.push_back("text_valid " + shape_of(c.text_valid) + ", expected [" + std::to_string(b) +
                      ", " + std::to_string(lt) + "]");
    if (!bad.empty()) {
        std::string msg = "DiT conditioning has the wrong shapes:";
        for (const auto& s : bad)
            msg += "\n  " + s;
        return make_error(ErrorKind::ShapeMismatch, msg);
    }
    const int64_t lm = c.motion_valid.size(1);
    const int64_t offset = c.text_position_offset < 0 ? lm : c.text_position_offset;
    if (offset < lm || offset + lt > rope_->max_positions())
        return make_error(ErrorKind::InvalidRequest,
                          "text RoPE offset " + std::to_string(offset) + " out of range for " +
                              std::to_string(lm) + " frames and " + std::to_string(lt) + " tokens");
    try {
        PreparedCondition p;
        p.batch = b;
        p.motion_len = lm;
        p.text_len = lt;
        const auto opts = at::TensorOptions().device(device_);
        const at::Tensor motion_valid = c.motion_valid.to(opts.dtype(at::kBool));
        const at::Tensor text_valid = c.text_valid.to(opts.dtype(at::kBool));
        const at::Tensor vtxt = c.vtxt_input.to(device_, dtype_);
        p.vtxt_feat = vtxt2_(at::silu(vtxt0_(vtxt)));
        const at::Tensor ctxt = ctxt_encoder_(c.ctxt_input.to(device_, dtype_));
        p.refiner = refiner_.prepare(ctxt, text_valid);
        const int64_t window =
            config_.mask_mode == "narrowband"
                ? static_cast<int64_t>(std::llround(config_.narrowband_length_s * 30.0))
                : -1;
        p.attention.mask = build_joint_attention_mask(motion_valid, text_valid, window);
        p.attention.heads = config_.num_heads;
        const at::Tensor positions =
            at::cat({at::arange(lm, at::kLong), at::arange(offset, offset + lt, at::kLong)});
        std::tie(p.attention.rope_cos, p.attention.rope_sin) =
            rope_->gather(positions, p.vtxt_feat);
        return p;
    } catch (const c10::Error& err) {
        return from_c10(err, "preparing the DiT conditioning failed");
    }
}

DitEntry HyMotionMmdit::entry(const at::Tensor& x, const at::Tensor& t,
                              const PreparedCondition& p) const {
    DitEntry e;
    e.motion = input_encoder_(x.to(device_, dtype_));
    e.t = t.to(device_, at::kFloat);
    e.adapter_act = at::silu(timestep_encoder_(e.t) + p.vtxt_feat);
    return e;
}

at::Tensor HyMotionMmdit::teacache_indicator(const DitEntry& e) const {
    if (hook_) hook_->before_indicator();
    return double_blocks_.front().modulated_motion_input(e.motion, e.adapter_act);
}

at::Tensor HyMotionMmdit::run_blocks(const DitEntry& e, const PreparedCondition& p) const {
    if (!hook_) return run_blocks_impl(e, p);
    return hook_->run_stack([&] { return run_blocks_impl(e, p); });
}

at::Tensor HyMotionMmdit::run_blocks_impl(const DitEntry& e, const PreparedCondition& p) const {
    at::Tensor motion = e.motion;
    at::Tensor text = refiner_.forward(p.refiner, e.t);
    int64_t k = 0;
    for (const auto& block : double_blocks_) {
        if (hook_) hook_->before_block(k);
        std::tie(motion, text) = block.forward(motion, text, e.adapter_act, p.attention);
        if (hook_) hook_->after_block(k);
        ++k;
    }
    at::Tensor joint = at::cat({motion, text}, 1);
    for (const auto& block : single_blocks_) {
        if (hook_) hook_->before_block(k);
        joint = block.forward(joint, e.adapter_act, p.attention);
        if (hook_) hook_->after_block(k);
        ++k;
    }
    return joint.slice(1, 0, p.motion_len);
}

at::Tensor HyMotionMmdit::exit(const at::Tensor& motion_out, const DitEntry& e) const {
    return final_layer_(motion_out, e.adapter_act);
}

at::Tensor HyMotionMmdit::forward_impl(const at::Tensor& x, const at::Tensor& t,
                                       const PreparedCondition& p) const {
    const DitEntry e = entry(x, t, p);
    return exit(run_blocks(e, p), e);
}

Result<at::Tensor> HyMotionMmdit::forward(const at::Tensor& x, const at::Tensor& t,
                                          const PreparedCondition& p) const {
    if (x.dim() != 3 || x.size(0) != p.batch || x.size(1) != p.motion_len ||
        x.size(2) != config_.input_dim)
        return make_error(ErrorKind::ShapeMismatch, "DiT input x " + shape_of(x) + ", expected [" +
                                                        std::to_string(p.batch) + ", " +
                                                        std::to_string(p.motion_len) + ", " +
                                                        std::to_string(config_.input_dim) + "]");
    if (t.dim() != 1 || t.size(0) != p.batch)
        return make_error(
            ErrorKind::ShapeMismatch,
            "DiT timesteps " + shape_of(t) + ", expected [" + std::to_string(p.batch) + "]");
    try {
        return forward_impl(x, t, p);
    } catch (const c10::Error& err) {
        return from_c10(err, "DiT forward failed");
    }
}

}  // namespace kinema
