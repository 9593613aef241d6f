// What this machine and build offer: libtorch, BLAS, threads, CUDA. Used by `kinema-cli doctor`,
// the planner's profile choice and the GUI's about box. Any thread.
#pragma once

#include <string>

#include "gpu/device_query.h"

namespace kinema {

struct SystemInfo {
    std::string kinema_version;
    std::string torch_version;  // e.g. "1.13.0"
    std::string blas;           // BLAS libtorch was built against ("generic" = system alternative)
    std::string blas_library;   // the resolved libblas.so.3 (openblas / reference)
    int intra_op_threads = 0;
    bool torch_has_cuda = false;  // libtorch itself was built with CUDA
    gpu::CudaProbe cuda;
};

SystemInfo query_system_info();

}  // namespace kinema
