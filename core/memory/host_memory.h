// Host memory readings (Linux /proc; zeros elsewhere). Any thread; each call reads afresh.
#pragma once

#include <cstdint>

namespace kinema {

struct HostMemoryInfo {
    uint64_t total_bytes = 0;      // MemTotal
    uint64_t available_bytes = 0;  // MemAvailable
};

HostMemoryInfo read_host_memory();

// This process's resident set size (/proc/self/statm field 2 x page size); 0 when unavailable.
uint64_t read_process_rss_bytes();

}  // namespace kinema
