#include "gpu/pinned_host_arena.h"

#include <utility>

#include "gpu/host_pinning.h"

namespace kinema::gpu {
namespace {

uint64_t round_up(uint64_t v, uint64_t to) {
    return (v + to - 1) / to * to;
}

}  // namespace

PinnedHostArena::PinnedHostArena(uint64_t chunk_bytes)
    : PinnedHostArena(chunk_bytes, pinned_host_alloc, pinned_host_free) {}

PinnedHostArena::PinnedHostArena(uint64_t chunk_bytes, ChunkAlloc alloc, ChunkFree free)
    : chunk_bytes_(round_up(chunk_bytes, kAlignment)),
      alloc_(std::move(alloc)),
      free_(std::move(free)) {}

PinnedHostArena::~PinnedHostArena() {
    release_all();
}

Result<void*> PinnedHostArena::allocate(uint64_t bytes) {
    if (bytes == 0) return make_error(ErrorKind::InvalidRequest, "PinnedHostArena: zero-byte span");
    const uint64_t span = round_up(bytes, kAlignment);
    if (span > chunk_bytes_) {  // a dedicated chunk; the current small-span chunk stays current
        const uint64_t size = round_up(span, 2ull << 20);
        auto mem = alloc_(size);
        if (!mem) return mem.error();
        chunks_.push_back({static_cast<uint8_t*>(*mem), size, span});
        reserved_ += size;
        used_ += span;
        return *mem;
    }
    if (current_ == SIZE_MAX || chunks_[current_].size - chunks_[current_].offset < span) {
        auto mem = alloc_(chunk_bytes_);
        if (!mem) return mem.error();
        chunks_.push_back({static_cast<uint8_t*>(*mem), chunk_bytes_, 0});
        current_ = chunks_.size() - 1;
        reserved_ += chunk_bytes_;
    }
    Chunk& c = chunks_[current_];
    void* out = c.base + c.offset;
    c.offset += span;
    used_ += span;
    return out;
}

void PinnedHostArena::release_all() {
    for (auto& c : chunks_)
        free_(c.base);
    chunks_.clear();
    current_ = SIZE_MAX;
    reserved_ = used_ = 0;
}

}  // namespace kinema::gpu
