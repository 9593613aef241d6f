#include "core/memory/host_memory.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace kinema {

HostMemoryInfo read_host_memory() {
    HostMemoryInfo info;
    std::FILE* f = std::fopen("/proc/meminfo", "r");
    if (!f) return info;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        unsigned long long kib = 0;
        if (std::sscanf(line, "MemTotal: %llu kB", &kib) == 1) info.total_bytes = kib * 1024ull;
        if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
            info.available_bytes = kib * 1024ull;
    }
    std::fclose(f);
    return info;
}

uint64_t read_process_rss_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    const int n = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    if (n != 2) return 0;
    const long page = sysconf(_SC_PAGESIZE);
    return resident * static_cast<uint64_t>(page > 0 ? page : 4096);
}

}  // namespace kinema
