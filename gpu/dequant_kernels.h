// Fused CUDA dequantisation of weight-only quantised nn.Linear weights (issue #4): one kernel
// launch per weight, no temporaries, written straight into a caller-owned (out, in) buffer. The
// stored forms are exactly those of core/text/quantized_weight.h:
//   Int8: int8 q (out, in) row-major + float32 scale (out,); w[r][c] = float(q[r][c]) * scale[r]
//   Int4: uint8 packed (out, groups * 64) row-major, low nibble = even column, high nibble = odd
//         column; float32 scale and offset (out, groups), groups of 128 columns
//         (groups = ceil(in / 128), the last one zero-padded);
//         w[r][c] = code * scale[r][c / 128] + offset[r][c / 128]
// The arithmetic is the CPU path's (one rounding for int8; for int4 a rounded multiply, then a
// rounded add, never a fused multiply-add), so the results equal QuantizedWeight::dequantize()
// on the CPU bit for bit (tests/text/tst_gpu_dequant checks it). The bf16 variants round that
// float32 value to nearest even.
//
// Destination: dense row-major (out, in), row stride = in elements; only the `in` real columns
// of every row are written (int4 padding columns are dropped). All pointers are device pointers
// on `device` (any alignment; aligned buffers take the vectorised path). Nothing is allocated;
// the caller owns every buffer and keeps it alive until the stream has run the kernel.
//
// Stream: `cuda_stream` is a cudaStream_t, nullptr = the legacy default stream; it must belong
// to `device`. The call makes `device` current for the launch, restores the caller's current
// device, and only enqueues: it returns before the kernel has run; order later work on the same
// stream or synchronise it.
//
// Errors (never throws): InvalidRequest for bad arguments (a null pointer with a non-empty
// shape, negative sizes, groups != ceil(in / 128)); Cuda for a runtime error (launch failure,
// bad device, no device); Unsupported in a build without CUDA (dequant_kernels_stub.cpp). A
// 0 x N or N x 0 weight is valid and launches nothing (its pointers may be null).
// No CUDA type appears here, so core/ includes it with a plain C++ compiler.
// Thread: any thread; calls are independent.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace kinema::gpu {

// Columns per int4 group (QuantizedWeight::kInt4GroupSize).
inline constexpr int64_t kDequantInt4GroupSize = 128;

// Int8 per output channel -> float32 / bf16 (dst_bf16: uint16_t bit patterns of bfloat16).
Status dequantize_int8_f32(int device, const int8_t* q, const float* scale, int64_t out_features,
                           int64_t in_features, float* dst, void* cuda_stream);
Status dequantize_int8_bf16(int device, const int8_t* q, const float* scale, int64_t out_features,
                            int64_t in_features, uint16_t* dst_bf16, void* cuda_stream);

// Int4 groups of 128 -> float32 / bf16. `groups` must equal ceil(in_features / 128).
Status dequantize_int4_f32(int device, const uint8_t* packed, const float* scale,
                           const float* offset, int64_t out_features, int64_t in_features,
                           int64_t groups, float* dst, void* cuda_stream);
Status dequantize_int4_bf16(int device, const uint8_t* packed, const float* scale,
                            const float* offset, int64_t out_features, int64_t in_features,
                            int64_t groups, uint16_t* dst_bf16, void* cuda_stream);

// Argument check shared by the CUDA build and the stub (so both report bad arguments the same
// way, before "no CUDA"). `groups` < 0 means int8 (`offset` and `groups` not checked).
inline Status check_dequant_args(const void* data, const float* scale, const float* offset,
                                 int64_t out_features, int64_t in_features, int64_t groups,
                                 const void* dst) {
    if (out_features < 0 || in_features < 0)
        return make_error(ErrorKind::InvalidRequest, "dequantize: negative weight shape");
    const bool int4 = groups >= 0;
    if (int4 && groups != (in_features + kDequantInt4GroupSize - 1) / kDequantInt4GroupSize)
        return make_error(ErrorKind::InvalidRequest,
                          "dequantize: int4 groups must be ceil(in_features / 128)");
    if (out_features == 0 || in_features == 0) return {};
    if (!data || !scale || !dst || (int4 && !offset))
        return make_error(ErrorKind::InvalidRequest, "dequantize: null device pointer");
    return {};
}

}  // namespace kinema::gpu
