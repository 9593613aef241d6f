#include "core/host_allocator_tuning.h"

#include <cstdlib>
#include <initializer_list>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kinema {

bool tune_host_allocator() {
#if defined(__GLIBC__)
    for (const char* name :
         {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES"})
        if (std::getenv(name) != nullptr) return false;
    constexpr int kMiB = 1024 * 1024;
    bool ok = mallopt(M_MMAP_THRESHOLD, 32 * kMiB) == 1;  // glibc's maximum on 64-bit
    ok = mallopt(M_TRIM_THRESHOLD, 256 * kMiB) == 1 && ok;
    ok = mallopt(M_TOP_PAD, 16 * kMiB) == 1 && ok;
    return ok;
#else
    return false;
#endif
}

}  // namespace kinema
