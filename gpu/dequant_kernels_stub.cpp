// Built instead of dequant_kernels.cu when no CUDA toolkit is available: bad arguments are
// reported as in the CUDA build, everything else returns Unsupported.
#include "gpu/dequant_kernels.h"

namespace kinema::gpu {
namespace {

Status no_cuda(Status args) {
    if (!args.ok()) return args;
    return make_error(ErrorKind::Unsupported, "CUDA dequantisation needs a CUDA build of Kinema");
}

}  // namespace

Status dequantize_int8_f32(int, const int8_t* q, const float* scale, int64_t out_features,
                           int64_t in_features, float* dst, void*) {
    return no_cuda(check_dequant_args(q, scale, nullptr, out_features, in_features, -1, dst));
}

Status dequantize_int8_bf16(int, const int8_t* q, const float* scale, int64_t out_features,
                            int64_t in_features, uint16_t* dst_bf16, void*) {
    return no_cuda(check_dequant_args(q, scale, nullptr, out_features, in_features, -1, dst_bf16));
}

Status dequantize_int4_f32(int, const uint8_t* packed, const float* scale, const float* offset,
                           int64_t out_features, int64_t in_features, int64_t groups, float* dst,
                           void*) {
    if (groups < 0) return make_error(ErrorKind::InvalidRequest, "dequantize: negative groups");
    return no_cuda(
        check_dequant_args(packed, scale, offset, out_features, in_features, groups, dst));
}

Status dequantize_int4_bf16(int, const uint8_t* packed, const float* scale, const float* offset,
                            int64_t out_features, int64_t in_features, int64_t groups,
                            uint16_t* dst_bf16, void*) {
    if (groups < 0) return make_error(ErrorKind::InvalidRequest, "dequantize: negative groups");
    return no_cuda(
        check_dequant_args(packed, scale, offset, out_features, in_features, groups, dst_bf16));
}

}  // namespace kinema::gpu
