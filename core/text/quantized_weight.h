// QuantizedWeight: one nn.Linear weight (out, in) stored as
//   F32  / BF16 : the values (often a zero-copy view of the mmapped model file);
//   Int8        : int8 q (out, in) and float32 scale (out,): w = q * scale, symmetric per output
//                 channel, scale = max|w_row| / 127;
//   Int4        : uint8 packed (out, G*64), two 4-bit codes per byte (low nibble = even column),
//                 float32 scale and offset (out, G) for groups of 128 columns (G = ceil(in/128),
//                 the last group zero-padded): w = code * scale + offset; how codes, scale and
//                 offset are chosen is an Int4Method (int4_quantizer.h; default MseClip), the
//                 stored form and dequantisation are the same for all of them.
// linear() dequantises to float32 on the fly and computes x @ w^T in float32; nothing is cached,
// so resident memory stays the stored form. When x lives on another device (CUDA), the stored
// form is copied there first and dequantised there, so int8/int4 also halve/quarter the
// host-to-device traffic of streamed layers. On CUDA, int8/int4 use one fused kernel per weight
// (gpu/dequant_kernels.h) on libtorch's current stream of that device, with the CPU path's
// arithmetic (tst_gpu_dequant compares them bit for bit); ATen ops are the fallback (gpu/ or
// libtorch without CUDA, a kernel error, or libtorch 1.x on a non-default stream).
// Immutable after construction; thread-safe.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text/int4_quantizer.h"

namespace kinema::text {

enum class WeightPrecision { F32, BF16, Int8, Int4 };

std::string_view to_string(WeightPrecision precision);
// "f32", "bf16", "int8", "int4" (InvalidRequest otherwise).
Result<WeightPrecision> parse_weight_precision(std::string_view text);

class QuantizedWeight {
public:
    static constexpr int64_t kInt4GroupSize = 128;

    QuantizedWeight() = default;

    // From a float weight (out, in) of any float dtype. F32/BF16 keep a view when the dtype
    // already matches. `int4_method` only matters for Int4. Errors: InvalidRequest (not 2-D
    // float), OutOfMemory.
    static Result<QuantizedWeight> quantize(const at::Tensor& weight, WeightPrecision precision,
                                            Int4Method int4_method = kDefaultInt4Method);

    // From stored parts (a quantisation cache file); validates dtypes and shapes (BadModelFile).
    // F32/BF16: `data` only. Int8: data + scale. Int4: data + scale + offset.
    static Result<QuantizedWeight> from_parts(WeightPrecision precision, int64_t out_features,
                                              int64_t in_features, at::Tensor data,
                                              at::Tensor scale, at::Tensor offset);

    // The (out, in) float32 weight on `device` (default: where it is stored). Throws c10::Error
    // on allocation failure (callers catch).
    at::Tensor dequantize(std::optional<at::Device> device = std::nullopt) const;
    // x (..., in) float32 -> (..., out) float32. Throws like dequantize().
    at::Tensor linear(const at::Tensor& x) const;

    WeightPrecision precision() const { return precision_; }
    int64_t out_features() const { return out_; }
    int64_t in_features() const { return in_; }
    const at::Tensor& data() const { return data_; }
    const at::Tensor& scale() const { return scale_; }    // undefined for F32/BF16
    const at::Tensor& offset() const { return offset_; }  // Int4 only
    uint64_t size_bytes() const;

private:
    WeightPrecision precision_ = WeightPrecision::F32;
    int64_t out_ = 0, in_ = 0;
    at::Tensor data_, scale_, offset_;
};

// || y_q - y || / || y ||, Frobenius norms over all elements (float64 accumulation).
double relative_error(const at::Tensor& approx, const at::Tensor& reference);

}  // namespace kinema::text
