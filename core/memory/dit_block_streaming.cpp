#include "core/memory/dit_block_streaming.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <array>
#include <new>
#include <type_traits>

#include "core/memory/activation_estimate.h"
#include "core/memory/block_streamer.h"
#include "core/memory/dit_weight_arena.h"
#include "core/memory/host_stream_device.h"
#include "core/model/hymotion_mmdit.h"
#include "gpu/cuda_stream_device.h"

namespace kinema {
namespace {

Result<WeightPrecision> precision_of(at::ScalarType t) {
    if (t == at::kFloat) return WeightPrecision::Fp32;
    if (t == at::kBFloat16) return WeightPrecision::Bf16;
    if (t == at::kHalf) return WeightPrecision::Fp16;
    return make_error(ErrorKind::Unsupported, "block streaming needs fp32, bf16 or fp16 weights");
}

[[noreturn]] void throw_error(const Error& e) {
    // The model's callers turn c10::Error into a typed Error; "out of memory" keeps the kind.
    std::string msg = "block streaming: " + e.message;
    if (e.kind == ErrorKind::OutOfMemory && e.message.find("out of memory") == std::string::npos)
        msg += " (out of memory)";
    C10_THROW_ERROR(Error, msg);
}

at::Device device_of(const HostStreamDevice::Buffer&, const DitStreamingOptions&) {
    return at::Device(at::kCPU);
}
at::Device device_of(const gpu::CudaStreamDevice::Buffer&, const DitStreamingOptions& o) {
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(o.cuda_device));
}
std::string buffer_tag(const HostStreamDevice::Buffer& b) {
    return std::to_string(b.id);
}
std::string buffer_tag(const gpu::CudaStreamDevice::Buffer&) {
    return "?";
}

template <class Device>
class Streaming final : public DitBlockStreaming {
public:
    using Buffer = typename Device::Buffer;

    Streaming(HyMotionMmdit& dit, DitStreamingOptions o) : dit_(dit), o_(std::move(o)) {}

    ~Streaming() override {
        if (dit_.block_hook() == this) dit_.set_block_hook(nullptr);
        dit_.set_compute_device(at::Device(at::kCPU));
        if (streamer_) (void)streamer_->release();
        if (device_ && indicator_.bytes) device_->release(indicator_);
        if (!abandon_)
            weights_.restore_weights();
        else
            weights_.clear_slots();
    }

    Status init() {
        auto precision = precision_of(dit_.dtype());
        if (!precision) return precision.error();
        if (dit_.device().type() != at::kCPU)
            return make_error(ErrorKind::InvalidRequest,
                              "block streaming starts from weights on the CPU");
        auto blocks = dit_blocks(dit_.config(), *precision, o_.workload);
        if (!blocks) return blocks.error();
        input_.blocks = std::move(*blocks);
        KINEMA_TRY_STATUS(weights_.build(dit_, input_.blocks.size()));
        // Plan with what the device really holds (64-byte aligned tensors in each block).
        for (size_t i = 0; i < layout().size(); ++i)
            input_.blocks[i].size_bytes = layout()[i].bytes;
        const uint64_t reserve = weights_.indicator().bytes;
        input_.free_vram_bytes = o_.free_vram_bytes > reserve ? o_.free_vram_bytes - reserve : 0;
        input_.preserve_bytes = o_.preserve_bytes;
        input_.activation_bytes = dit_activation_bytes(dit_.config(), o_.workload, *precision);
        input_.flops_per_s = o_.flops_per_s;
        input_.link = o_.link;
        input_.policy = o_.policy;
        auto plan = plan_residency(input_);
        if (!plan) return plan.error();
        plan_ = std::move(*plan);
        Status st = weights_.fill(o_.cuda);
        if (!st.ok()) {
            weights_.restore_weights();
            return st;
        }
        st = make_device();
        if (st.ok()) st = prepare();
        if (!st.ok()) {
            streamer_.reset();
            weights_.restore_weights();
            return st;
        }
        dit_.set_block_hook(this);
        if (o_.cuda) dit_.set_compute_device(device_of(Buffer{}, o_));
        return {};
    }

    const ResidencyPlan& plan() const override { return plan_; }
    std::optional<Error> last_error() const override { return last_error_; }
    void clear_error() override { last_error_.reset(); }
    void abandon_model() override { abandon_ = true; }

    DitStreamingStats stats() const override {
        DitStreamingStats s;
        if (streamer_) {
            s.forwards = forwards_;
            s.resident_bytes = streamer_->stats().resident_bytes;
            s.ring_bytes = streamer_->stats().ring_bytes;
        }
        s.bytes_copied = bytes_copied_before_ + (streamer_ ? streamer_->stats().bytes_copied : 0);
        for (size_t i = 0; i < layout().size(); ++i)
            if (plan_.blocks[i].where == Residency::Streamed)
                s.streamed_bytes_per_forward += layout()[i].bytes;
        s.device_budget_bytes = plan_.weight_budget_bytes + indicator_.bytes;
        if constexpr (std::is_same_v<Device, HostStreamDevice>) {
            s.device_peak_bytes = device_ ? device_->peak_bytes() : 0;
            s.copy_busy_s = device_ ? device_->copy_busy_s() : 0;
        }
        s.host_arena_bytes = weights_.reserved_bytes();
        s.streamed_blocks = plan_.streamed_count;
        s.resident_blocks = plan_.resident_count;
        s.fallbacks = fallbacks_;
        s.reports = reports_;
        return s;
    }

    // --- DitBlockHook ---
    at::Tensor run_stack(const std::function<at::Tensor()>& stack) override {
        for (int attempt = 0;; ++attempt) {
            Error cause;
            last_error_.reset();
            try {
                begin();
                at::Tensor out = stack();
                check(streamer_->end_forward());
                ++forwards_;
                return out;
            } catch (const c10::Error& e) {
                cause = last_error_ ? *last_error_ : classify(e.what_without_backtrace());
            } catch (const std::bad_alloc&) {
                cause = make_error(ErrorKind::OutOfMemory, "out of host memory");
            }
            if (streamer_ && streamer_->prepared()) (void)streamer_->abort_forward(cause);
            last_error_ = cause;
            if (cause.kind != ErrorKind::OutOfMemory || attempt > 0 || retried_) throw_error(cause);
            Status st = fall_back(cause);
            if (!st.ok()) {
                last_error_ = st.error();
                throw_error(st.error());
            }
            last_error_.reset();
        }
    }

    void before_block(int64_t k) override {
        const size_t i = static_cast<size_t>(k) + 1;
        if (visits_++ == o_.inject_oom_at_block_visit)
            fail(make_error(ErrorKind::OutOfMemory,
                            "injected out of memory before block " + std::to_string(i)));
        auto buffer = streamer_->enter_block(i);
        if (!buffer) fail(buffer.error());
        if (plan_.blocks[i].where == Residency::Streamed) {
            const auto& views = ring_views_[i][static_cast<size_t>(streamer_->current_slot())];
            const auto& places = layout()[i].tensors;
            for (size_t t = 0; t < places.size(); ++t)
                *places[t].slot = views[t];
        }
        if (o_.trace)
            o_.trace->push_back("compute " + std::to_string(i) + " buffer " + buffer_tag(*buffer));
    }

    void after_block(int64_t k) override {
        check(streamer_->leave_block(static_cast<size_t>(k) + 1));
    }

    void before_indicator() override {
        if (indicator_views_.empty()) return;
        const auto& places = weights_.indicator().tensors;
        for (size_t t = 0; t < places.size(); ++t)
            *places[t].slot = indicator_views_[t];
    }

private:
    static Error classify(const std::string& msg) {
        const bool oom = msg.find("out of memory") != std::string::npos ||
                         msg.find("DefaultCPUAllocator") != std::string::npos;
        return make_error(oom ? ErrorKind::OutOfMemory : ErrorKind::Internal, msg);
    }
    [[noreturn]] void fail(const Error& e) {
        last_error_ = e;
        throw_error(e);
    }
    void check(const Status& st) {
        if (!st.ok()) fail(st.error());
    }
    void begin() {
        if (!streamer_ || !streamer_->prepared())
            fail(make_error(ErrorKind::Internal, "block streaming is not prepared"));
        check(streamer_->begin_forward());
        auto head = streamer_->enter_block(0);  // the head is resident: no copy, no wait
        if (!head) fail(head.error());
        check(streamer_->leave_block(0));
    }

    const std::vector<DitBlockLayout>& layout() const { return weights_.blocks(); }

    Status make_device() {
        std::vector<gpu::HostBlockView> views;
        for (const auto& b : layout())
            views.push_back({b.host, b.bytes});
        views.push_back({weights_.indicator().host, weights_.indicator().bytes});
        if constexpr (std::is_same_v<Device, HostStreamDevice>) {
            HostStreamDeviceConfig c;
            c.capacity_bytes = plan_.weight_budget_bytes + weights_.indicator().bytes;
            c.fail_copy_index = o_.inject_copy_failure_at;
            c.trace = o_.trace;
            device_ = std::make_unique<HostStreamDevice>(c, std::move(views));
        } else {
            auto d = Device::create(o_.cuda_device, o_.cuda_stream, std::move(views));
            if (!d) return d.error();
            device_ = std::move(*d);
        }
        streamer_.emplace(*device_);
        return {};
    }

    at::Tensor view(const Buffer& buffer, const DitTensorPlace& p) const {
        return at::from_blob(static_cast<uint8_t*>(buffer.ptr) + p.offset, p.shape,
                             at::TensorOptions().dtype(p.dtype).device(device_of(buffer, o_)));
    }

    // Streamer + views for the current plan_.
    Status prepare() {
        std::vector<StreamerBlock> sb;
        for (size_t i = 0; i < layout().size(); ++i)
            sb.push_back({layout()[i].bytes, plan_.blocks[i].where == Residency::Streamed, false});
        KINEMA_TRY_STATUS(streamer_->prepare(std::move(sb)));
        ring_views_.assign(layout().size(), {});
        for (size_t i = 0; i < layout().size(); ++i) {
            const auto& places = layout()[i].tensors;
            if (plan_.blocks[i].where == Residency::Streamed) {
                for (int s = 0; s < 2; ++s)
                    for (const auto& p : places)
                        ring_views_[i][s].push_back(view(streamer_->ring_buffer(s), p));
            } else {
                for (const auto& p : places)
                    *p.slot = view(streamer_->resident_buffer(i), p);
            }
        }
        indicator_views_.clear();
        if (plan_.blocks.size() > 1 && plan_.blocks[1].where == Residency::Streamed &&
            weights_.indicator().bytes) {
            if (!indicator_.bytes) {
                auto buf = device_->allocate(weights_.indicator().bytes);
                if (!buf) return buf.error();
                indicator_ = *buf;
                KINEMA_TRY_STATUS(device_->upload(layout().size(), indicator_));
            }
            for (const auto& p : weights_.indicator().tensors)
                indicator_views_.push_back(view(indicator_, p));
        }
        return {};
    }

    Status fall_back(const Error& cause) {
        retried_ = true;
        bytes_copied_before_ += streamer_->stats().bytes_copied;
        (void)streamer_->release();
        if (indicator_.bytes) device_->release(indicator_);
        weights_.clear_slots();
        ring_views_.clear();
        indicator_views_.clear();
        if (o_.release_caches) o_.release_caches();
        PlannerInput next = input_;
        next.policy = PlanPolicy::StreamAll;
        if constexpr (!std::is_same_v<Device, HostStreamDevice>)
            next.free_vram_bytes =
                std::min<uint64_t>(input_.free_vram_bytes, device_->free_bytes());
        auto plan = plan_residency(next);
        if (!plan) return plan.error();
        const std::string msg = "out of memory (" + cause.message + "); retrying with " +
                                std::to_string(plan->streamed_count) +
                                " streamed DiT blocks instead of " +
                                std::to_string(plan_.streamed_count);
        reports_.push_back(msg);
        if (o_.report) o_.report(msg);
        plan_ = std::move(*plan);
        input_ = next;
        ++fallbacks_;
        return prepare();
    }

    HyMotionMmdit& dit_;
    DitStreamingOptions o_;
    PlannerInput input_;
    ResidencyPlan plan_;
    DitWeightArena weights_;  // per plan block layout + host copies, TeaCache's indicator
    std::unique_ptr<Device> device_;
    std::optional<BlockStreamer<Device>> streamer_;
    Buffer indicator_{};
    std::vector<std::array<std::vector<at::Tensor>, 2>> ring_views_;
    std::vector<at::Tensor> indicator_views_;
    std::optional<Error> last_error_;
    int64_t visits_ = 0;
    uint64_t forwards_ = 0, bytes_copied_before_ = 0;
    bool retried_ = false, abandon_ = false;
    int fallbacks_ = 0;
    std::vector<std::string> reports_;
};

template <class Device>
Result<std::unique_ptr<DitBlockStreaming>> make(HyMotionMmdit& dit, const DitStreamingOptions& o) {
    auto s = std::make_unique<Streaming<Device>>(dit, o);
    try {
        KINEMA_TRY_STATUS(s->init());
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal, std::string("block streaming setup failed: ") +
                                                   e.what_without_backtrace());
    }
    return std::unique_ptr<DitBlockStreaming>(std::move(s));
}

}  // namespace

Result<std::unique_ptr<DitBlockStreaming>> DitBlockStreaming::create(
    HyMotionMmdit& dit, const DitStreamingOptions& options) {
    if (options.cuda) return make<gpu::CudaStreamDevice>(dit, options);
    return make<HostStreamDevice>(dit, options);
}

}  // namespace kinema
