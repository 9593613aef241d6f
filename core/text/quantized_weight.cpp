#include "core/text/quantized_weight.h"

#include <ATen/ATen.h>
#include <c10/core/Stream.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <c10/util/Exception.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>

#include "gpu/dequant_kernels.h"

namespace kinema::text {

std::string_view to_string(WeightPrecision precision) {
    switch (precision) {
        case WeightPrecision::F32:
            return "f32";
        case WeightPrecision::BF16:
            return "bf16";
        case WeightPrecision::Int8:
            return "int8";
        case WeightPrecision::Int4:
            return "int4";
    }
    return "?";
}

Result<WeightPrecision> parse_weight_precision(std::string_view text) {
    for (auto p : {WeightPrecision::F32, WeightPrecision::BF16, WeightPrecision::Int8,
                   WeightPrecision::Int4})
        if (text == to_string(p)) return p;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown precision '" + std::string(text) + "' (f32, bf16, int8, int4)");
}

namespace {

int64_t int4_groups(int64_t in) {
    return (in + QuantizedWeight::kInt4GroupSize - 1) / QuantizedWeight::kInt4GroupSize;
}

static_assert(QuantizedWeight::kInt4GroupSize == gpu::kDequantInt4GroupSize);

// The cudaStream_t behind libtorch's c10::Stream `s`: Stream::native_handle() where this libtorch
// has it (2.x); libtorch 1.x cannot name a stream's handle, so there only its default stream
// (id 0, the legacy default stream = nullptr) is known, and nullopt for any other stream. A
// template, so the call that 1.x lacks is never instantiated there.
template <typename S>
[[maybe_unused]] std::optional<void*> cuda_stream_handle(const S& s) {
    if constexpr (requires { s.native_handle(); }) {
        return s.native_handle();
    } else {
        if (s.id() == 0) return static_cast<void*>(nullptr);
        return std::nullopt;
    }
}

// KINEMA_DEQUANT_KERNEL=0 in the environment disables the fused CUDA kernels (the ATen path is
// taken instead), e.g. for `kinema-cli bench dequant` or to rule the kernels out when debugging.
// Read on every call (no cached global), so a process may switch it between calls.
bool dequant_kernel_enabled() {
    const char* v = std::getenv("KINEMA_DEQUANT_KERNEL");
    return v == nullptr || std::strcmp(v, "0") != 0;
}

// Int8/Int4 whose stored form already lives on a CUDA device -> (out, in) float32 there, with
// one fused kernel (gpu/dequant_kernels.h) on libtorch's current stream of that device, so it is
// ordered after the copies that brought the stored form there and before the caller's matmul.
// nullopt when the kernel cannot be used (gpu/ or libtorch built without CUDA, not a CUDA tensor,
// a stream libtorch 1.x cannot name, a kernel error): the caller takes the ATen path instead.
// Throws c10::Error when the output cannot be allocated.
std::optional<at::Tensor> kernel_dequantize([[maybe_unused]] WeightPrecision precision,
                                            [[maybe_unused]] int64_t out,
                                            [[maybe_unused]] int64_t in,
                                            [[maybe_unused]] const at::Tensor& data,
                                            [[maybe_unused]] const at::Tensor& scale,
                                            [[maybe_unused]] const at::Tensor& offset) {
#ifdef KINEMA_HAVE_CUDA
    if (!data.is_cuda() || !at::hasCUDA()) return std::nullopt;
    if (precision != WeightPrecision::Int8 && precision != WeightPrecision::Int4)
        return std::nullopt;
    const at::Device device = data.device();
    std::optional<void*> cuda_stream;
    try {
        cuda_stream =
            cuda_stream_handle(c10::impl::getDeviceGuardImpl(at::kCUDA)->getStream(device));
    } catch (const c10::Error&) {
        return std::nullopt;  // a libtorch whose CUDA backend cannot name its stream
    }
    if (!cuda_stream) return std::nullopt;
    const at::Tensor d = data.contiguous(), s = scale.contiguous();
    at::Tensor w = at::empty({out, in}, at::TensorOptions().dtype(at::kFloat).device(device));
    Status status;
    if (precision == WeightPrecision::Int8) {
        status = gpu::dequantize_int8_f32(device.index(), d.data_ptr<int8_t>(), s.data_ptr<float>(),
                                          out, in, w.data_ptr<float>(), *cuda_stream);
    } else {
        const at::Tensor o = offset.contiguous();
        status = gpu::dequantize_int4_f32(device.index(), d.data_ptr<uint8_t>(),
                                          s.data_ptr<float>(), o.data_ptr<float>(), out, in,
                                          s.size(1), w.data_ptr<float>(), *cuda_stream);
    }
    if (status.ok()) return w;
    spdlog::debug("dequantize: CUDA kernel unavailable, using ATen ops ({})",
                  status.error().describe());
#endif
    return std::nullopt;
}

}  // namespace

Result<QuantizedWeight> QuantizedWeight::quantize(const at::Tensor& weight,
                                                  WeightPrecision precision,
                                                  Int4Method int4_method) {
    if (!weight.defined() || weight.dim() != 2 || !at::isFloatingType(weight.scalar_type()))
        return make_error(ErrorKind::InvalidRequest, "quantize: expected a 2-D float weight");
    QuantizedWeight q;
    q.precision_ = precision;
    q.out_ = weight.size(0);
    q.in_ = weight.size(1);
    try {
        switch (precision) {
            case WeightPrecision::F32:
                q.data_ = weight.to(at::kFloat);
                break;
            case WeightPrecision::BF16:
                q.data_ = weight.to(at::kBFloat16);
                break;
            case WeightPrecision::Int8: {
                const at::Tensor w = weight.to(at::kFloat);
                at::Tensor scale = w.abs().amax(1).div_(127.0).clamp_min_(1e-12);
                q.data_ = at::round(w / scale.unsqueeze(1)).clamp_(-127, 127).to(at::kChar);
                q.scale_ = scale;
                break;
            }
            case WeightPrecision::Int4: {
                const int64_t groups = int4_groups(q.in_);
                const int64_t padded = groups * kInt4GroupSize;
                at::Tensor w = weight.to(at::kFloat);
                if (padded != q.in_) w = at::constant_pad_nd(w, {0, padded - q.in_}, 0.0);
                Int4Groups g =
                    quantize_int4_groups(w.view({q.out_, groups, kInt4GroupSize}), int4_method);
                const at::Tensor codes = g.codes.view({q.out_, padded / 2, 2});
                q.data_ = codes.select(2, 0).add(codes.select(2, 1).mul(16)).contiguous();
                q.scale_ = g.scale.contiguous();
                q.offset_ = g.offset.contiguous();
                break;
            }
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::OutOfMemory,
                          std::string("quantize: ") + e.what_without_backtrace());
    }
    return q;
}

Result<QuantizedWeight> QuantizedWeight::from_parts(WeightPrecision precision, int64_t out,
                                                    int64_t in, at::Tensor data, at::Tensor scale,
                                                    at::Tensor offset) {
    std::vector<std::string> problems;
    auto expect = [&](const char* what, const at::Tensor& t, at::ScalarType dtype,
                      std::vector<int64_t> shape) {
        if (!t.defined()) {
            problems.push_back(std::string("missing ") + what);
        } else if (t.scalar_type() != dtype || t.sizes() != at::IntArrayRef(shape)) {
            problems.push_back(std::string(what) + " has the wrong dtype or shape");
        }
    };
    const int64_t g = int4_groups(in);
    switch (precision) {
        case WeightPrecision::F32:
            expect("data", data, at::kFloat, {out, in});
            break;
        case WeightPrecision::BF16:
            expect("data", data, at::kBFloat16, {out, in});
            break;
        case WeightPrecision::Int8:
            expect("data", data, at::kChar, {out, in});
            expect("scale", scale, at::kFloat, {out});
            break;
        case WeightPrecision::Int4:
            expect("data", data, at::kByte, {out, g * kInt4GroupSize / 2});
            expect("scale", scale, at::kFloat, {out, g});
            expect("offset", offset, at::kFloat, {out, g});
            break;
    }
    if (!problems.empty()) {
        std::string msg = "quantised weight: ";
        for (size_t i = 0; i < problems.size(); ++i)
            msg += (i ? "; " : "") + problems[i];
        return make_error(ErrorKind::BadModelFile, msg);
    }
    QuantizedWeight q;
    q.precision_ = precision;
    q.out_ = out;
    q.in_ = in;
    q.data_ = std::move(data);
    q.scale_ = std::move(scale);
    q.offset_ = std::move(offset);
    return q;
}

at::Tensor QuantizedWeight::dequantize(std::optional<at::Device> device) const {
    const at::Device where = device.value_or(data_.device());
    auto on = [&](const at::Tensor& t) { return t.defined() ? t.to(where) : t; };
    const at::Tensor data = on(data_), scale = on(scale_), offset = on(offset_);
    if (where.is_cuda() && dequant_kernel_enabled()) {
        if (std::optional<at::Tensor> w =
                kernel_dequantize(precision_, out_, in_, data, scale, offset))
            return *w;
    }
    switch (precision_) {
        case WeightPrecision::F32:
        case WeightPrecision::BF16:
            return data.to(at::kFloat);
        case WeightPrecision::Int8:
            return data.to(at::kFloat).mul_(scale.unsqueeze(1));
        case WeightPrecision::Int4: {
            const int64_t groups = scale.size(1);
            const at::Tensor codes =
                at::stack({at::bitwise_and(data, 15), at::__rshift__(data, 4)}, 2)
                    .view({out_, groups, kInt4GroupSize})
                    .to(at::kFloat);
            at::Tensor w = codes.mul_(scale.unsqueeze(2)).add_(offset.unsqueeze(2));
            w = w.view({out_, groups * kInt4GroupSize});
            return groups * kInt4GroupSize == in_ ? w : w.narrow(1, 0, in_).contiguous();
        }
    }
    return {};
}

at::Tensor QuantizedWeight::linear(const at::Tensor& x) const {
    return at::linear(x.to(at::kFloat), dequantize(x.device()));
}

uint64_t QuantizedWeight::size_bytes() const {
    uint64_t total = 0;
    for (const at::Tensor* t : {&data_, &scale_, &offset_})
        if (t->defined()) total += static_cast<uint64_t>(t->numel()) * t->element_size();
    return total;
}

double relative_error(const at::Tensor& approx, const at::Tensor& reference) {
    const at::Tensor a = approx.to(at::kDouble);
    const at::Tensor r = reference.to(at::kDouble);
    const double denom = r.norm().item<double>();
    return (a - r).norm().item<double>() / (denom > 0 ? denom : 1.0);
}

}  // namespace kinema::text
