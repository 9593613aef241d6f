// The fused dequantisation kernels of dequant_kernels.h. Each thread turns 4 consecutive stored
// columns of one row into 4 outputs: int8 reads one 32-bit word (4 codes), int4 one 16-bit word
// (2 packed bytes = 4 codes, always inside one group of 128), and writes them with one 16-byte
// (float32) or 8-byte (bf16) store, so a warp reads and writes contiguous memory. When the row
// length or a pointer does not allow the vector access, the same thread does 4 scalar ones.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "gpu/dequant_kernels.h"

namespace kinema::gpu {
namespace {

Status cuda_status(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return {};
    cudaGetLastError();  // clear a non-sticky error so later calls are not blamed for it
    const ErrorKind kind =
        err == cudaErrorMemoryAllocation ? ErrorKind::OutOfMemory : ErrorKind::Cuda;
    return make_error(kind, std::string(what) + ": " + cudaGetErrorString(err));
}

bool aligned(const void* p, uintptr_t bytes) {
    return reinterpret_cast<uintptr_t>(p) % bytes == 0;
}

// Output element types: float32, or bf16 carried as its uint16_t bit pattern.
struct F32Out {
    using T = float;
    static constexpr uintptr_t kVecBytes = 16;
    __device__ static void store1(float* dst, float v) { *dst = v; }
    __device__ static void store4(float* dst, float a, float b, float c, float d) {
        *reinterpret_cast<float4*>(dst) = make_float4(a, b, c, d);
    }
};

struct Bf16Out {
    using T = uint16_t;
    static constexpr uintptr_t kVecBytes = 8;
    __device__ static uint16_t bits(float v) {
        return __bfloat16_as_ushort(__float2bfloat16_rn(v));
    }
    __device__ static void store1(uint16_t* dst, float v) { *dst = bits(v); }
    __device__ static void store4(uint16_t* dst, float a, float b, float c, float d) {
        const uint32_t lo = uint32_t(bits(a)) | (uint32_t(bits(b)) << 16);
        const uint32_t hi = uint32_t(bits(c)) | (uint32_t(bits(d)) << 16);
        *reinterpret_cast<uint2*>(dst) = make_uint2(lo, hi);
    }
};

// Thread t of the grid-stride loop handles stored columns [4k, 4k + 4) of row r, where
// t = r * chunks_per_row + k. `vec`: in % 4 == 0 and every pointer aligned for the vector access.
template <typename Out>
__global__ void int8_kernel(const int8_t* __restrict__ q, const float* __restrict__ scale,
                            int64_t out, int64_t in, typename Out::T* __restrict__ dst, bool vec) {
    const int64_t chunks_per_row = (in + 3) / 4;
    const int64_t total = out * chunks_per_row;
    for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
         t += int64_t(gridDim.x) * blockDim.x) {
        const int64_t r = t / chunks_per_row;
        const int64_t c = (t - r * chunks_per_row) * 4;
        const float s = scale[r];
        const int64_t at = r * in + c;
        if (vec) {
            const char4 v = *reinterpret_cast<const char4*>(q + at);
            Out::store4(dst + at, __fmul_rn(float(v.x), s), __fmul_rn(float(v.y), s),
                        __fmul_rn(float(v.z), s), __fmul_rn(float(v.w), s));
        } else {
            const int64_t n = in - c < 4 ? in - c : 4;
            for (int64_t k = 0; k < n; ++k)
                Out::store1(dst + at + k, __fmul_rn(float(q[at + k]), s));
        }
    }
}

// `packed_row` = groups * 64 bytes; thread t handles packed bytes [2k, 2k + 2) of row r, i.e.
// columns [4k, 4k + 4). `vec`: in % 4 == 0 and `dst` aligned (packed rows are always 2-byte
// multiples; `packed` alignment is folded into `vec` too).
template <typename Out>
__global__ void int4_kernel(const uint8_t* __restrict__ packed, const float* __restrict__ scale,
                            const float* __restrict__ offset, int64_t out, int64_t in,
                            int64_t groups, typename Out::T* __restrict__ dst, bool vec) {
    const int64_t chunks_per_row = (in + 3) / 4;  // chunks past `in` hold only padding
    const int64_t packed_row = groups * (kDequantInt4GroupSize / 2);
    const int64_t total = out * chunks_per_row;
    for (int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
         t += int64_t(gridDim.x) * blockDim.x) {
        const int64_t r = t / chunks_per_row;
        const int64_t c = (t - r * chunks_per_row) * 4;
        const int64_t g = r * groups + c / kDequantInt4GroupSize;
        const float s = scale[g], o = offset[g];
        const uint8_t* src = packed + r * packed_row + c / 2;
        uint32_t b0, b1;
        if (vec) {
            const uchar2 v = *reinterpret_cast<const uchar2*>(src);
            b0 = v.x;
            b1 = v.y;
        } else {
            b0 = src[0];
            b1 = src[1];  // inside the row: c + 4 <= groups * 128
        }
        const float w0 = __fadd_rn(__fmul_rn(float(b0 & 15u), s), o);
        const float w1 = __fadd_rn(__fmul_rn(float(b0 >> 4), s), o);
        const float w2 = __fadd_rn(__fmul_rn(float(b1 & 15u), s), o);
        const float w3 = __fadd_rn(__fmul_rn(float(b1 >> 4), s), o);
        typename Out::T* d = dst + r * in + c;
        if (vec) {
            Out::store4(d, w0, w1, w2, w3);
        } else {
            const float w[4] = {w0, w1, w2, w3};
            const int64_t n = in - c < 4 ? in - c : 4;
            for (int64_t k = 0; k < n; ++k)
                Out::store1(d + k, w[k]);
        }
    }
}

constexpr int kThreads = 256;

// Blocks for `work` items, capped; the grid-stride loops cover the rest.
unsigned blocks_for(int64_t work) {
    const int64_t blocks = (work + kThreads - 1) / kThreads;
    return static_cast<unsigned>(std::min<int64_t>(blocks, int64_t(1) << 20));
}

// Makes `device` current for one launch and then restores the caller's current device (all CUDA
// runtimes of the process share the driver's per-thread current context, libtorch's included).
class DeviceScope {
public:
    Status enter(int device) {
        KINEMA_TRY_STATUS(cuda_status(cudaGetDevice(&previous_), "cudaGetDevice"));
        if (previous_ == device) return {};
        KINEMA_TRY_STATUS(cuda_status(cudaSetDevice(device), "cudaSetDevice"));
        restore_ = true;
        return {};
    }
    ~DeviceScope() {
        if (restore_) cudaSetDevice(previous_);
    }

private:
    int previous_ = 0;
    bool restore_ = false;
};

Status finish_launch(const char* what) {
    return cuda_status(cudaGetLastError(), what);
}

template <typename Out>
Status launch_int8(int device, const int8_t* q, const float* scale, int64_t out, int64_t in,
                   typename Out::T* dst, void* stream) {
    KINEMA_TRY_STATUS(check_dequant_args(q, scale, nullptr, out, in, -1, dst));
    if (out == 0 || in == 0) return {};
    DeviceScope scope;
    KINEMA_TRY_STATUS(scope.enter(device));
    const bool vec = in % 4 == 0 && aligned(q, 4) && aligned(dst, Out::kVecBytes);
    const int64_t work = out * ((in + 3) / 4);
    int8_kernel<Out><<<blocks_for(work), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        q, scale, out, in, dst, vec);
    return finish_launch("int8 dequantisation kernel");
}

template <typename Out>
Status launch_int4(int device, const uint8_t* packed, const float* scale, const float* offset,
                   int64_t out, int64_t in, int64_t groups, typename Out::T* dst, void* stream) {
    if (groups < 0) return make_error(ErrorKind::InvalidRequest, "dequantize: negative groups");
    KINEMA_TRY_STATUS(check_dequant_args(packed, scale, offset, out, in, groups, dst));
    if (out == 0 || in == 0) return {};
    DeviceScope scope;
    KINEMA_TRY_STATUS(scope.enter(device));
    const bool vec = in % 4 == 0 && aligned(packed, 2) && aligned(dst, Out::kVecBytes);
    const int64_t work = out * ((in + 3) / 4);
    int4_kernel<Out><<<blocks_for(work), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        packed, scale, offset, out, in, groups, dst, vec);
    return finish_launch("int4 dequantisation kernel");
}

}  // namespace

Status dequantize_int8_f32(int device, const int8_t* q, const float* scale, int64_t out_features,
                           int64_t in_features, float* dst, void* cuda_stream) {
    return launch_int8<F32Out>(device, q, scale, out_features, in_features, dst, cuda_stream);
}

Status dequantize_int8_bf16(int device, const int8_t* q, const float* scale, int64_t out_features,
                            int64_t in_features, uint16_t* dst_bf16, void* cuda_stream) {
    return launch_int8<Bf16Out>(device, q, scale, out_features, in_features, dst_bf16, cuda_stream);
}

Status dequantize_int4_f32(int device, const uint8_t* packed, const float* scale,
                           const float* offset, int64_t out_features, int64_t in_features,
                           int64_t groups, float* dst, void* cuda_stream) {
    return launch_int4<F32Out>(device, packed, scale, offset, out_features, in_features, groups,
                               dst, cuda_stream);
}

Status dequantize_int4_bf16(int device, const uint8_t* packed, const float* scale,
                            const float* offset, int64_t out_features, int64_t in_features,
                            int64_t groups, uint16_t* dst_bf16, void* cuda_stream) {
    return launch_int4<Bf16Out>(device, packed, scale, offset, out_features, in_features, groups,
                                dst_bf16, cuda_stream);
}

}  // namespace kinema::gpu
