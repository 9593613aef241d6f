// A hash that is the same on every platform and build (FNV-1a), for file names and keys that
// persist on disk. Not cryptographic.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace kinema::text {

inline uint64_t fnv1a64(std::string_view data, uint64_t basis = 14695981039346656037ull) {
    uint64_t h = basis;
    for (unsigned char c : data) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// 32 hex digits: two FNV-1a passes with different bases.
inline std::string stable_hash_hex(std::string_view data) {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(fnv1a64(data)),
                  static_cast<unsigned long long>(fnv1a64(data, 0x84222325cbf29ce4ull)));
    return buf;
}

}  // namespace kinema::text
