// Built instead of host_pinning.cu when no CUDA toolkit is available.
#include "gpu/host_pinning.h"

namespace kinema::gpu {

Result<void*> pinned_host_alloc(uint64_t) {
    return make_error(ErrorKind::Unsupported, "pinned host memory needs a CUDA build of Kinema");
}

void pinned_host_free(void*) {}

}  // namespace kinema::gpu
