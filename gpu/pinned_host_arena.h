// PinnedHostArena: host memory for streamed weight blocks, allocated in large pinned chunks
// (default 256 MiB, like mmgp) and handed out as 4 KiB-aligned spans, so a block's host copy costs
// its size and not the next power of two (PyTorch's CachingHostAllocator rounds up). A span larger
// than a chunk gets a dedicated chunk of its size rounded to 2 MiB. Spans live until
// release_all() or destruction. The chunk allocator is injectable (tests use plain memory).
// Thread: not thread-safe; owned by one loader/streamer.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/result.h"

namespace kinema::gpu {

class PinnedHostArena {
public:
    using ChunkAlloc = std::function<Result<void*>(uint64_t bytes)>;
    using ChunkFree = std::function<void(void*)>;

    static constexpr uint64_t kDefaultChunkBytes = 256ull << 20;
    static constexpr uint64_t kAlignment = 4096;

    // Chunks from pinned_host_alloc (cudaHostAlloc).
    explicit PinnedHostArena(uint64_t chunk_bytes = kDefaultChunkBytes);
    PinnedHostArena(uint64_t chunk_bytes, ChunkAlloc alloc, ChunkFree free);
    ~PinnedHostArena();
    PinnedHostArena(const PinnedHostArena&) = delete;
    PinnedHostArena& operator=(const PinnedHostArena&) = delete;

    // A span of `bytes` (> 0): the current chunk if it fits, else a new chunk. Errors are the
    // chunk allocator's (OutOfMemory when the OS refuses to pin more).
    Result<void*> allocate(uint64_t bytes);

    void release_all();

    uint64_t reserved_bytes() const { return reserved_; }  // sum of chunk sizes
    uint64_t used_bytes() const { return used_; }          // sum of spans (with alignment)
    size_t chunk_count() const { return chunks_.size(); }

private:
    struct Chunk {
        uint8_t* base = nullptr;
        uint64_t size = 0;
        uint64_t offset = 0;
    };
    uint64_t chunk_bytes_;
    ChunkAlloc alloc_;
    ChunkFree free_;
    std::vector<Chunk> chunks_;
    size_t current_ = SIZE_MAX;  // chunk that receives small spans
    uint64_t reserved_ = 0, used_ = 0;
};

}  // namespace kinema::gpu
